// UI strings of the work forms 附表1–4. Merged into i18n/zh-CN.ts and i18n/en.ts.
// vue-i18n syntax: `{x}` is a parameter; avoid a literal "@" or "|".

export const formsZh = {
  forms: {
    menu: "工作表单",
    saveTitle: "保存工作表单",
    menuHint: "导出制度规定的工作表单（Excel），只含您负责的客户，导出会记入审计日志",
    customers: "附表1 客户名单档案",
    dossier: "附表2 客户基本情况档案",
    dossierHint: "导出本客户的基本情况档案（Excel，可直接按 A4 打印）",
    projects: "附表3 客户在建项目一览表",
    feedback: "附表4 客户开发与维护过程信息反馈表",
    period: "期间",
    periodHint: "列出这段时间内的拜访记录和新增投诉（含处理记录）。",
    from: "开始日期",
    to: "结束日期",
    fromDefault: "本月1日",
    toDefault: "今天",
    export: "导出",
    exported: "已导出{form}（{rows} 行，{scope}）：{path}",
  },
};

export const formsEn: typeof formsZh = {
  forms: {
    menu: "Work forms",
    saveTitle: "Save the work form",
    menuHint: "Export the policy's work forms (Excel) with the customers you are responsible for; each export is recorded in the audit log",
    customers: "Form 1 Customer list",
    dossier: "Form 2 Customer basic information",
    dossierHint: "Export this customer's basic information form (Excel, prints on A4)",
    projects: "Form 3 Projects under way",
    feedback: "Form 4 Development and upkeep feedback",
    period: "Period",
    periodHint: "Lists the visits and the complaints opened in this period, with their handling records.",
    from: "From",
    to: "To",
    fromDefault: "1st of this month",
    toDefault: "Today",
    export: "Export",
    exported: "Exported {form} ({rows} rows, {scope}): {path}",
  },
};
