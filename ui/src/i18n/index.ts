import { computed } from "vue";
import { createI18n } from "vue-i18n";
import type { Language } from "element-plus/es/locale";
import elZhCn from "element-plus/es/locale/lang/zh-cn";
import elEn from "element-plus/es/locale/lang/en";
import zhCN from "./zh-CN";
import en from "./en";

export type AppLocale = "zh-CN" | "en";
export const LOCALES: readonly AppLocale[] = ["zh-CN", "en"];
const STORAGE_KEY = "kam.locale";

function isAppLocale(value: string | null): value is AppLocale {
  return value === "zh-CN" || value === "en";
}

function initialLocale(): AppLocale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isAppLocale(saved)) return saved;
  } catch {
    // storage unavailable: fall back to the default
  }
  return "zh-CN";
}

export type MessageSchema = typeof zhCN;

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN, en },
});

export const currentLocale = computed<AppLocale>(() => i18n.global.locale.value);

export const elementLocale = computed<Language>(() =>
  i18n.global.locale.value === "en" ? elEn : elZhCn,
);

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not persisted; still switched for this session
  }
}
