// The customer form's model: every field as the user types it (money and days as text).
import type { Category } from "../../bindings/Category";
import type { Lifecycle } from "../../bindings/Lifecycle";
import type { Nature } from "../../bindings/Nature";
import type { Scale } from "../../bindings/Scale";
import type { Tier } from "../../bindings/Tier";

export interface FormModel {
  name: string;
  credit_code: string;
  address: string;
  nature: Nature;
  industry: string;
  scale: Scale;
  assets: string;
  shareholders: string;
  source: string;
  tier: Tier;
  category: Category;
  lifecycle: Lifecycle;
  owner_id: string;
  liaison_id: string;
  contract_performance: string;
  payment_behaviour: string;
  cooperation_mode: string;
  bidding_method: string;
  contract_terms: string;
  price_level: string;
  credit_terms_days: string;
  credit_limit_fen: string;
  receivable_fen: string;
  overdue_receivable_fen: string;
  notes: string;
}

/** An empty form (a new customer). */
export function blankForm(): FormModel {
  return {
    name: "",
    credit_code: "",
    address: "",
    nature: "private",
    industry: "",
    scale: "medium",
    assets: "",
    shareholders: "",
    source: "",
    tier: "prospect",
    category: "private",
    lifecycle: "prospect",
    owner_id: "",
    liaison_id: "",
    contract_performance: "",
    payment_behaviour: "",
    cooperation_mode: "",
    bidding_method: "",
    contract_terms: "",
    price_level: "",
    credit_terms_days: "",
    credit_limit_fen: "",
    receivable_fen: "",
    overdue_receivable_fen: "",
    notes: "",
  };
}

export type FieldKey = keyof FormModel;
