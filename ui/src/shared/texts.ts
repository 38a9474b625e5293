// Labels of the relationship enums (visit kinds, executives, severities, …) used by several features. Names follow the glossary in DOMAIN.md.
// vue-i18n syntax: `{x}` is a parameter, `|` separates plural forms; avoid a literal "@" or "|".
// Merged into i18n/zh-CN.ts and i18n/en.ts as top-level keys.

export const relEnumsZh = {
  relEnums: {
    visitKind: {
      face_to_face: "面访",
      phone: "电话",
      email: "邮件",
      customer_visit: "客户来访",
      executive_visit: "高层拜访",
    },
    executive: { top_leader: "公司主要领导", liaison: "联点领导" },
    cadence: { contact: "联系", face_to_face: "面访", top_leader: "主要领导拜访", liaison: "联点领导拜访" },
    dueStatus: { overdue: "逾期", due_soon: "即将到期", on_track: "正常" },
    planStatus: { planned: "计划中", done: "已完成", cancelled: "已取消" },
    reminder: { birthday: "生日", lunar_birthday: "农历生日", festival: "节日", contact_change: "人员变动" },
    severity: { low: "轻微", medium: "一般", high: "严重", critical: "特别严重" },
    category: {
      product_quality: "产品质量",
      delivery: "交付供货",
      service: "服务",
      project: "项目实施",
      billing: "结算账务",
      other: "其他",
    },
    complaintStatus: { open: "待处理", handling: "处理中", resolved: "已解决", closed: "已关闭" },
    action: { handling: "处理记录", feedback: "反馈客户", resolution: "解决结果", close: "关闭" },
  },
};

export const relEnumsEn: typeof relEnumsZh = {
  relEnums: {
    visitKind: {
      face_to_face: "Face-to-face",
      phone: "Phone",
      email: "E-mail",
      customer_visit: "Customer visited us",
      executive_visit: "Executive visit",
    },
    executive: { top_leader: "Top leader", liaison: "Liaison executive" },
    cadence: { contact: "Contact", face_to_face: "Face-to-face", top_leader: "Top-leader visit", liaison: "Liaison visit" },
    dueStatus: { overdue: "Overdue", due_soon: "Due soon", on_track: "On track" },
    planStatus: { planned: "Planned", done: "Done", cancelled: "Cancelled" },
    reminder: { birthday: "Birthday", lunar_birthday: "Lunar birthday", festival: "Festival", contact_change: "Key person" },
    severity: { low: "Low", medium: "Medium", high: "High", critical: "Critical" },
    category: {
      product_quality: "Product quality",
      delivery: "Delivery",
      service: "Service",
      project: "Project execution",
      billing: "Billing",
      other: "Other",
    },
    complaintStatus: { open: "Open", handling: "Handling", resolved: "Resolved", closed: "Closed" },
    action: { handling: "Handling", feedback: "Feedback", resolution: "Resolution", close: "Closed" },
  },
};
