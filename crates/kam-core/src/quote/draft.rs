//! A quote line as the person typed it: every number is text, read by the one parser in
//! [`crate::input`]. The window sends drafts; the CLI builds one from its flags. Either way the
//! core decides what `8`, `8%`, `¥70` or `10,000` mean.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::QuoteLineInput;
use crate::error::Result;
use crate::input;
use crate::util::clean;

/// A quote line's fields as typed. Empty text means "not given" (the product's cost, no fees,
/// no rebate, the formula's price, no discount). Error fields name these fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuoteLineDraft {
    pub product_id: Option<String>,
    pub description: Option<String>,
    pub spec: Option<String>,
    pub unit: Option<String>,
    /// e.g. `10000`, `10,000`, `12.5`.
    pub quantity: String,
    /// Cost per unit in 元, e.g. `70`, `¥70`, `12,800.50`; the product's cost when empty.
    pub cost: String,
    /// Other fees per unit in 元.
    pub fees: String,
    /// e.g. `8%` or `8` (both 8 %).
    pub rebate: String,
    /// A unit price in 元 set by hand instead of the formula.
    pub manual_unit_price: String,
    /// A discount off the unit price, e.g. `5%`.
    pub discount: String,
    pub notes: Option<String>,
}

impl QuoteLineDraft {
    /// Read the typed text into a line input; the first field that cannot be read is named.
    pub fn parse(&self) -> Result<QuoteLineInput> {
        Ok(QuoteLineInput {
            product_id: clean(&self.product_id),
            description: clean(&self.description),
            spec: clean(&self.spec),
            unit: clean(&self.unit),
            quantity: input::quantity("quantity", &self.quantity)?,
            cost_fen: input::money_opt("cost", &self.cost)?,
            fees_fen: input::money_opt("fees", &self.fees)?,
            rebate_rate: input::rate_opt("rebate", &self.rebate)?,
            manual_unit_price_fen: input::money_opt("manual_unit_price", &self.manual_unit_price)?,
            discount_rate: input::rate_opt("discount", &self.discount)?,
            notes: clean(&self.notes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_example_as_typed_in_the_window() {
        let draft =
            QuoteLineDraft { quantity: "10,000".into(), cost: "¥70".into(), rebate: "8".into(), ..Default::default() };
        let line = draft.parse().unwrap();
        assert_eq!(line.quantity, "10000".parse().unwrap());
        assert_eq!(line.cost_fen, Some(crate::units::Fen(7000)));
        assert_eq!(line.rebate_rate, Some("0.08".parse().unwrap()));
        assert_eq!(line.fees_fen, None);
        assert_eq!(line.discount_rate, None);
    }

    #[test]
    fn a_bad_field_is_named() {
        let draft = QuoteLineDraft { quantity: "10".into(), discount: "abc".into(), ..Default::default() };
        assert_eq!(draft.parse().unwrap_err().to_dto().field.as_deref(), Some("discount"));
        let draft = QuoteLineDraft { quantity: "".into(), ..Default::default() };
        assert_eq!(draft.parse().unwrap_err().to_dto().field.as_deref(), Some("quantity"));
    }
}
