// Small shared state: what app_info says, the users, and a counter that views watch to
// reload after data changed elsewhere (demo data loaded, customer restored…).
import { ref } from "vue";
import type { AppInfo } from "./bindings/AppInfo";
import type { User } from "./bindings/User";
import type { DemoReport } from "./bindings/DemoReport";
import { appInfo as fetchAppInfo, demoLoad, usersList, type KamError } from "./api";
import { toKamError } from "./ipc";

export const appInfo = ref<AppInfo | null>(null);
/** Set when app_info itself fails (database too new, cannot open): the shell shows it full page. */
export const fatalError = ref<KamError | null>(null);
export const users = ref<User[]>([]);
/** Bumped whenever customer data changed in a way other views should reload for. */
export const dataVersion = ref(0);

export async function refreshAppInfo(): Promise<void> {
  try {
    appInfo.value = await fetchAppInfo();
    fatalError.value = null;
  } catch (err: unknown) {
    if (appInfo.value === null) fatalError.value = toKamError(err);
  }
}

export async function refreshUsers(): Promise<void> {
  try {
    users.value = await usersList();
  } catch {
    // keep the last list; forms still work without it
  }
}

export function dataChanged(): void {
  dataVersion.value += 1;
  void refreshAppInfo();
  void refreshUsers();
}

export const demoLoading = ref(false);

/** Load the demo data set (2000 customers); the shell shows a full-screen spinner meanwhile. */
export async function loadDemoData(customers = 2000): Promise<DemoReport> {
  demoLoading.value = true;
  try {
    const report = await demoLoad(customers);
    dataChanged();
    return report;
  } finally {
    demoLoading.value = false;
  }
}
