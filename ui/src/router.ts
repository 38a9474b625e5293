import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";

/** Navigation entries, in menu order. `key` is both the route name and the i18n key nav.<key>. */
export const NAV_KEYS = [
  "today",
  "customers",
  "visits",
  "complaints",
  "quotes",
  "reports",
  "sync",
  "settings",
] as const;
export type NavKey = (typeof NAV_KEYS)[number];

const routes: RouteRecordRaw[] = [
  { path: "/", redirect: "/customers" },
  { path: "/today", name: "today", component: () => import("./views/TodayView.vue") },
  { path: "/customers", name: "customers", component: () => import("./views/CustomersView.vue") },
  {
    path: "/customers/new",
    name: "customer-new",
    component: () => import("./views/CustomerFormView.vue"),
  },
  {
    path: "/customers/:id/edit",
    name: "customer-edit",
    component: () => import("./views/CustomerFormView.vue"),
    props: true,
  },
  {
    path: "/customers/:id",
    name: "dossier",
    component: () => import("./views/DossierView.vue"),
    props: true,
  },
  { path: "/visits", name: "visits", component: () => import("./views/VisitsView.vue") },
  {
    path: "/complaints",
    name: "complaints",
    component: () => import("./views/ComplaintsView.vue"),
  },
  { path: "/quotes", name: "quotes", component: () => import("./views/QuotesView.vue") },
  {
    path: "/quotes/:id",
    name: "quote",
    component: () => import("./views/QuoteEditorView.vue"),
    props: true,
  },
  {
    path: "/quotes/:id/print",
    name: "quote-print",
    component: () => import("./views/QuotePrintView.vue"),
    props: true,
  },
  { path: "/reports", name: "reports", component: () => import("./views/ReportsView.vue") },
  { path: "/sync", name: "sync", component: () => import("./views/SyncView.vue") },
  { path: "/settings", name: "settings", component: () => import("./views/SettingsView.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/today" },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
});
