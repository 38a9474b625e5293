//! Satisfaction surveys (满意度调查): scores 1–5 per dimension (5 = very satisfied), comments,
//! follow-up actions, and the trend per customer.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::model::*;
use super::{check_contact, local_today, sane_date, target_customer, ymd};
use crate::error::{KamError, Result};
use crate::ratio::{round_score, score_change_text, score_text};
use crate::util::{clean, new_id};
use crate::validate as v;
use crate::Kam;

/// The score scale: 1 (very dissatisfied) to 5 (very satisfied).
pub const SCORE_MIN: u8 = 1;
pub const SCORE_MAX: u8 = 5;

impl Kam {
    /// All survey dimensions in display order (inactive ones too; see `active`).
    pub fn survey_dimensions(&self) -> Result<Vec<SurveyDimension>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, label_zh, label_en, builtin, active FROM survey_dimensions WHERE deleted_at IS NULL
             ORDER BY position, code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SurveyDimension {
                code: r.get(0)?,
                label_zh: r.get(1)?,
                label_en: r.get(2)?,
                builtin: r.get(3)?,
                active: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Add a configurable survey dimension. `code` is lower-case ASCII (`a-z`, `0-9`, `_`).
    pub fn add_survey_dimension(&mut self, code: &str, label_zh: &str, label_en: &str) -> Result<SurveyDimension> {
        self.only_head_office("满意度维度", "the survey dimensions")?;
        let code = code.trim().to_string();
        let ok = (2..=40).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_lowercase())
            && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(KamError::invalid(
                "code",
                format!("维度代码「{code}」不正确：请用 2–40 个小写英文字母、数字或下划线，以字母开头，如 delivery_speed。"),
                format!("The dimension code '{code}' is not valid: use 2–40 lower-case letters, digits or underscores, starting with a letter, e.g. delivery_speed."),
            ));
        }
        let label_zh = v::required("label_zh", "维度名称", "Chinese label", label_zh, 20)?;
        let label_en = v::required("label_en", "英文名称", "English label", label_en, 50)?;
        if self.survey_dimensions()?.iter().any(|d| d.code == code) {
            return Err(KamError::invalid(
                "code",
                format!("维度代码「{code}」已存在，请换一个。"),
                format!("The dimension code '{code}' already exists; choose another."),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO survey_dimensions (id, code, label_zh, label_en, position, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), 0) + 1 FROM survey_dimensions), ?5, ?6, ?5, ?6)",
                params![new_id(), code, label_zh, label_en, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(self.survey_dimensions()?.into_iter().find(|d| d.code == code).expect("just inserted"))
    }

    /// Switch a configurable dimension on or off (the built-in three stay on). Past surveys keep
    /// their scores.
    pub fn set_survey_dimension_active(&mut self, code: &str, active: bool) -> Result<SurveyDimension> {
        self.only_head_office("满意度维度", "the survey dimensions")?;
        let dim = self.survey_dimensions()?.into_iter().find(|d| d.code == code).ok_or_else(|| KamError::NotFound {
            entity: crate::error::Entity::SurveyDimension,
            id: code.to_string(),
        })?;
        if dim.builtin && !active {
            return Err(KamError::invalid(
                "code",
                format!("「{}」是基本维度，不能停用。", dim.label_zh),
                format!("'{}' is a built-in dimension and cannot be switched off.", dim.label_en),
            ));
        }
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE survey_dimensions SET active = ?2, updated_at = ?3, updated_by = ?4 WHERE code = ?1 AND deleted_at IS NULL",
                params![code, active, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        Ok(SurveyDimension { active, ..dim })
    }

    /// Record a satisfaction survey.
    pub fn add_survey(&mut self, customer_id: &str, input: &SurveyInput) -> Result<Survey> {
        let c = target_customer(&self.conn, customer_id)?;
        self.check_access(&c.id, crate::scope::Access::Write)?;
        let today = local_today(self);
        let on = match clean(&input.surveyed_on) {
            Some(s) => sane_date("surveyed_on", &s)?,
            None => today,
        };
        if on > today {
            return Err(KamError::invalid(
                "surveyed_on",
                format!("调查日期（{on}）不能晚于今天（{today}）。"),
                format!("The survey date {on} cannot be after today ({today})."),
            ));
        }
        let contact_id = clean(&input.contact_id);
        if let Some(k) = &contact_id {
            check_contact(&self.conn, &c, "contact_id", k)?;
        }
        let dims: HashMap<String, SurveyDimension> =
            self.survey_dimensions()?.into_iter().map(|d| (d.code.clone(), d)).collect();
        if input.scores.is_empty() {
            return Err(KamError::invalid(
                "scores",
                "请至少为一个维度打分（1–5 分，5 分为非常满意）。",
                "Score at least one dimension (1 to 5, 5 = very satisfied).",
            ));
        }
        let mut seen: Vec<&str> = Vec::new();
        for s in &input.scores {
            let dim = dims.get(s.dimension.trim()).filter(|d| d.active).ok_or_else(|| {
                KamError::invalid(
                    "scores",
                    format!("未知或已停用的满意度维度「{}」。请从维度列表中选择。", s.dimension),
                    format!("Unknown or inactive survey dimension '{}'. Pick one from the list.", s.dimension),
                )
            })?;
            if seen.contains(&dim.code.as_str()) {
                return Err(KamError::invalid(
                    "scores",
                    format!("「{}」打了两次分，每个维度只能打一次。", dim.label_zh),
                    format!("'{}' is scored twice; score each dimension once.", dim.label_en),
                ));
            }
            seen.push(&dim.code);
            if !(SCORE_MIN..=SCORE_MAX).contains(&s.score) {
                return Err(KamError::invalid(
                    "scores",
                    format!("「{}」的评分 {} 超出范围：请填 1 到 5 分（5 分为非常满意）。", dim.label_zh, s.score),
                    format!(
                        "The score {} for '{}' is out of range: use 1 to 5 (5 = very satisfied).",
                        s.score, dim.label_en
                    ),
                ));
            }
        }
        let comments = v::optional("comments", "客户意见", "Comments", &input.comments, 2000)?;
        let actions =
            v::optional("follow_up_actions", "改进措施", "Follow-up actions", &input.follow_up_actions, 2000)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO surveys (id, customer_id, contact_id, surveyed_on, comments, follow_up_actions,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, c.id, contact_id, ymd(on), comments, actions, ctx.now, ctx.user],
            )?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO survey_scores (id, survey_id, dimension, score, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
            )?;
            for s in &input.scores {
                stmt.execute(params![new_id(), id, s.dimension.trim(), s.score, ctx.now, ctx.user])?;
            }
            Ok(())
        })?;
        self.survey(&id)
    }

    /// One survey.
    pub fn survey(&self, survey_id: &str) -> Result<Survey> {
        let mut list = self.surveys_where("s.id = ?1", survey_id)?;
        let s = list
            .pop()
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Survey, id: survey_id.to_string() })?;
        self.check_access(&s.customer_id, crate::scope::Access::Read)?;
        Ok(s)
    }

    fn surveys_where(&self, cond: &str, arg: &str) -> Result<Vec<Survey>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.id, s.customer_id, c.name, s.surveyed_on, s.contact_id, k.name, s.comments, s.follow_up_actions, a.name
             FROM surveys s JOIN customers c ON c.id = s.customer_id LEFT JOIN contacts k ON k.id = s.contact_id
             LEFT JOIN users a ON a.id = s.created_by
             WHERE {cond} AND s.deleted_at IS NULL ORDER BY s.surveyed_on, s.created_at"
        ))?;
        let mut surveys = stmt
            .query_map([arg], |r| {
                Ok(Survey {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    customer_name: r.get(2)?,
                    surveyed_on: r.get(3)?,
                    contact_id: r.get(4)?,
                    contact_name: r.get(5)?,
                    scores: Vec::new(),
                    average: 0.0,
                    average_text: String::new(),
                    comments: r.get(6)?,
                    follow_up_actions: r.get(7)?,
                    author_name: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let order: HashMap<String, usize> =
            self.survey_dimensions()?.into_iter().enumerate().map(|(i, d)| (d.code, i)).collect();
        let mut scores = self
            .conn
            .prepare_cached("SELECT dimension, score FROM survey_scores WHERE survey_id = ?1 AND deleted_at IS NULL")?;
        for s in &mut surveys {
            s.scores = scores
                .query_map([&s.id], |r| Ok(SurveyScore { dimension: r.get(0)?, score: r.get(1)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            s.scores.sort_by_key(|x| order.get(&x.dimension).copied().unwrap_or(usize::MAX));
            if !s.scores.is_empty() {
                let sum: u32 = s.scores.iter().map(|x| x.score as u32).sum();
                s.average = round_score(sum as f64 / s.scores.len() as f64);
            }
            s.average_text = score_text(s.average);
        }
        Ok(surveys)
    }

    /// A customer's surveys, oldest first, with the dimensions to chart and the latest change.
    pub fn survey_trend(&self, customer_id: &str) -> Result<SurveyTrend> {
        let exists: Option<String> = self
            .conn
            .query_row("SELECT id FROM customers WHERE id = ?1 AND deleted_at IS NULL", [customer_id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(KamError::NotFound { entity: crate::error::Entity::Customer, id: customer_id.to_string() });
        }
        self.check_access(customer_id, crate::scope::Access::Read)?;
        let surveys = self.surveys_where("s.customer_id = ?1", customer_id)?;
        let dimensions = self
            .survey_dimensions()?
            .into_iter()
            .filter(|d| d.active || surveys.iter().any(|s| s.scores.iter().any(|x| x.dimension == d.code)))
            .collect();
        let latest_average = surveys.last().map(|s| s.average);
        let change = match surveys.as_slice() {
            [.., a, b] => Some(round_score(b.average - a.average)),
            _ => None,
        };
        Ok(SurveyTrend {
            customer_id: customer_id.to_string(),
            dimensions,
            surveys,
            latest_text: latest_average.map(score_text),
            latest_average,
            change_text: change.map(score_change_text),
            change,
        })
    }
}
