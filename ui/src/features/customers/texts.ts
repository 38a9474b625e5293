// UI strings of satisfaction surveys (dossier). Names follow the glossary in DOMAIN.md.
// vue-i18n syntax: `{x}` is a parameter, `|` separates plural forms; avoid a literal "@" or "|".
// Merged into i18n/zh-CN.ts and i18n/en.ts as top-level keys.

export const surveyZh = {
  survey: {
    section: "满意度",
    add: "新增调查",
    addTitle: "满意度调查 — {name}",
    surveyedOn: "调查日期",
    contact: "受访人",
    scores: "评分",
    scale: "1 分 很不满意 · 5 分 非常满意；不适用的维度可不评。",
    clearScore: "不评",
    comments: "客户意见",
    actions: "改进措施",
    average: "平均分",
    latest: "最近平均 {avg}",
    changeTitle: "与上一次调查相比",
    trend: "满意度趋势",
    emptyDossier: "还没有满意度调查。点「新增调查」按产品质量、服务水平、项目执行等维度打分，趋势会显示在这里。",
  },
};

export const surveyEn: typeof surveyZh = {
  survey: {
    section: "Satisfaction",
    add: "Add survey",
    addTitle: "Satisfaction survey — {name}",
    surveyedOn: "Date",
    contact: "Respondent",
    scores: "Scores",
    scale: "1 very dissatisfied · 5 very satisfied; leave out what does not apply.",
    clearScore: "skip",
    comments: "Comments",
    actions: "Follow-up actions",
    average: "Average",
    latest: "latest average {avg}",
    changeTitle: "Compared with the survey before",
    trend: "Satisfaction trend",
    emptyDossier:
      "No satisfaction surveys yet. Use 'Add survey' to score product quality, service level, project execution and more; the trend shows here.",
  },
};
