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
  { path: "/today", name: "today", component: () => import("./features/today/TodayView.vue") },
  { path: "/customers", name: "customers", component: () => import("./features/customers/CustomersView.vue") },
  {
    path: "/customers/new",
    name: "customer-new",
    component: () => import("./features/customers/CustomerFormView.vue"),
  },
  {
    path: "/customers/:id/edit",
    name: "customer-edit",
    component: () => import("./features/customers/CustomerFormView.vue"),
    props: true,
  },
  {
    path: "/customers/:id",
    name: "dossier",
    component: () => import("./features/customers/DossierView.vue"),
    props: true,
  },
  { path: "/import", name: "import", component: () => import("./features/import/ImportView.vue") },
  { path: "/visits", name: "visits", component: () => import("./features/visits/VisitsView.vue") },
  {
    path: "/complaints",
    name: "complaints",
    component: () => import("./features/complaints/ComplaintsView.vue"),
  },
  { path: "/quotes", name: "quotes", component: () => import("./features/quotes/QuotesView.vue") },
  {
    path: "/quotes/:id",
    name: "quote",
    component: () => import("./features/quotes/QuoteEditorView.vue"),
    props: true,
  },
  {
    path: "/quotes/:id/print",
    name: "quote-print",
    component: () => import("./features/quotes/QuotePrintView.vue"),
    props: true,
  },
  { path: "/reports", name: "reports", component: () => import("./features/reports/ReportsView.vue") },
  { path: "/sync", name: "sync", component: () => import("./features/sync/SyncView.vue") },
  { path: "/settings", name: "settings", component: () => import("./features/settings/SettingsView.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/today" },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
});
