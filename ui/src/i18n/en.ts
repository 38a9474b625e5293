import type zhCN from "./zh-CN";

const en: typeof zhCN = {
  app: {
    title: "KAM Key Account Management",
  },
  nav: {
    today: "Today",
    customers: "Customers",
    visits: "Visits",
    complaints: "Complaints",
    quotes: "Quotes",
    reports: "Reports",
    sync: "Sync",
    settings: "Settings",
  },
  status: {
    lastExchange: "Last exchange with head office: {when}",
    daysAgo: "today | 1 day ago | {n} days ago",
    never: "Never exchanged with head office",
  },
  search: {
    placeholder: "Search customers (Ctrl+K)",
    title: "Search customers",
    inputPlaceholder: "Customer name, pinyin or city",
    noResults: "No matching customer",
    hint: "Enter opens the first result, Esc closes",
  },
  lang: {
    label: "Language",
  },
  empty: {
    today: "Nothing due today. Add customers under Customers, then record visits.",
    customers: "No customers yet. Import head office's customer list under Sync, or create one.",
    visits: "No visits yet. Open a customer and record a visit.",
    complaints: "No complaints yet. Register customer complaints here and track them.",
    quotes: "Quotes are coming soon.",
    reports:
      "Reports are coming soon: once there are visits and complaints, view and export them to Excel here.",
    sync: "Never exchanged with head office. Import a file from head office, or export this machine's changes for them.",
    settings: "Settings are coming soon.",
  },
  settings: {
    backend: "Backend connection",
    ok: "OK",
  },
  error: {
    generic: "Something went wrong: {message}",
  },
};

export default en;
