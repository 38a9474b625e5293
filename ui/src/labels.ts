// Enum values in display order, tag colours, and the localized text of core errors.
import type { Category } from "./bindings/Category";
import type { ContactChangeKind } from "./bindings/ContactChangeKind";
import type { CustomerSort } from "./bindings/CustomerSort";
import type { Lifecycle } from "./bindings/Lifecycle";
import type { Nature } from "./bindings/Nature";
import type { ProjectStatus } from "./bindings/ProjectStatus";
import type { RecordKind } from "./bindings/RecordKind";
import type { Scale } from "./bindings/Scale";
import type { Tier } from "./bindings/Tier";

export const TIERS: readonly Tier[] = ["strategic", "key", "regular", "prospect"];
export const CATEGORIES: readonly Category[] = ["government", "private", "foreign", "in_group"];
export const LIFECYCLES: readonly Lifecycle[] = ["prospect", "negotiating", "active", "dormant"];
export const NATURES: readonly Nature[] = [
  "government",
  "state_owned",
  "private",
  "foreign_invested",
  "public_institution",
  "other",
];
export const SCALES: readonly Scale[] = ["large", "medium", "small"];
export const PROJECT_STATUSES: readonly ProjectStatus[] = ["ongoing", "planned", "completed"];
export const RECORD_KINDS: readonly RecordKind[] = ["meeting", "conversation", "survey", "note"];
export const CHANGE_KINDS: readonly ContactChangeKind[] = ["joined", "left", "role_changed"];
export const SORTS: readonly CustomerSort[] = ["name", "code", "tier", "updated_desc"];

export type TagType = "primary" | "success" | "info" | "warning" | "danger";

/** Tier tag colours: strategic red, key orange, regular blue, prospect grey. */
export function tierTagType(tier: Tier): TagType {
  switch (tier) {
    case "strategic":
      return "danger";
    case "key":
      return "warning";
    case "regular":
      return "primary";
    case "prospect":
      return "info";
  }
}

export function lifecycleTagType(lifecycle: Lifecycle): TagType {
  switch (lifecycle) {
    case "active":
      return "success";
    case "negotiating":
      return "warning";
    case "prospect":
      return "primary";
    case "dormant":
      return "info";
  }
}

