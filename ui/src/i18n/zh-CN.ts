const zhCN = {
  app: {
    title: "KAM 大客户管理",
  },
  nav: {
    today: "今日",
    customers: "客户",
    visits: "拜访",
    complaints: "投诉",
    quotes: "报价",
    reports: "报表",
    sync: "同步",
    settings: "设置",
  },
  status: {
    lastExchange: "与总部上次交换：{when}",
    daysAgo: "今天 | 1 天前 | {n} 天前",
    never: "尚未与总部交换",
  },
  search: {
    placeholder: "搜索客户（Ctrl+K）",
    title: "搜索客户",
    inputPlaceholder: "输入客户名称、拼音或城市",
    noResults: "没有找到匹配的客户",
    hint: "按 Enter 打开第一个结果，Esc 关闭",
  },
  lang: {
    label: "语言",
  },
  empty: {
    today: "今天还没有待办。先在「客户」中添加客户，再记录拜访。",
    customers: "还没有客户。到「同步」导入总部下发的客户清单，或新建客户。",
    visits: "还没有拜访记录。打开一个客户，记录一次拜访。",
    complaints: "还没有投诉。客户反映问题时，在这里登记并跟踪处理。",
    quotes: "报价功能即将推出。",
    reports: "报表功能即将推出：有了拜访和投诉数据后，可在这里查看并导出 Excel。",
    sync: "尚未与总部交换数据。导入总部下发的文件，或导出本机的变更交给总部。",
    settings: "设置功能即将推出。",
  },
  settings: {
    backend: "后端连接",
    ok: "正常",
  },
  error: {
    generic: "出错了：{message}",
  },
};

export default zhCN;
