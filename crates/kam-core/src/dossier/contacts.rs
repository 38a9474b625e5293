//! Contacts and key-person changes.

use super::*;

impl Kam {
    pub(super) fn contact_owner(&self, contact_id: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT k.customer_id FROM contacts k JOIN customers c ON c.id = k.customer_id
                 WHERE k.id = ?1 AND k.deleted_at IS NULL AND c.deleted_at IS NULL",
                [contact_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::Contact, id: contact_id.to_string() })
    }

    /// Add a contact (or decision maker) to a customer.
    pub fn add_contact(&mut self, customer_id: &str, input: &ContactInput) -> Result<Contact> {
        customer_seq(&self.conn, customer_id)?;
        self.check_access(customer_id, Access::Write)?;
        let c = check_contact(input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO contacts (id, customer_id, name, title, phone, mobile, fax, email, postcode,
                    is_decision_maker, decision_role, birthday, interests, family, notes, active,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?17, ?18)",
                params![
                    id,
                    customer_id,
                    c.name,
                    c.title,
                    c.phone,
                    c.mobile,
                    c.fax,
                    c.email,
                    c.postcode,
                    c.is_decision_maker,
                    c.decision_role,
                    c.birthday,
                    c.interests,
                    c.family,
                    c.notes,
                    c.active,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, customer_id)
        })?;
        Ok(self.dossier(customer_id)?.contacts.into_iter().find(|k| k.id == id).expect("just inserted"))
    }

    /// Edit a contact.
    pub fn update_contact(&mut self, contact_id: &str, input: &ContactInput) -> Result<Contact> {
        let customer_id = self.contact_owner(contact_id)?;
        self.check_access(&customer_id, Access::Write)?;
        let c = check_contact(input)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contacts SET name=?2, title=?3, phone=?4, mobile=?5, fax=?6, email=?7, postcode=?8,
                    is_decision_maker=?9, decision_role=?10, birthday=?11, interests=?12, family=?13, notes=?14,
                    active=?15, updated_at=?16, updated_by=?17 WHERE id = ?1",
                params![
                    contact_id,
                    c.name,
                    c.title,
                    c.phone,
                    c.mobile,
                    c.fax,
                    c.email,
                    c.postcode,
                    c.is_decision_maker,
                    c.decision_role,
                    c.birthday,
                    c.interests,
                    c.family,
                    c.notes,
                    c.active,
                    ctx.now,
                    ctx.user
                ],
            )?;
            reindex_customer(tx, &customer_id)
        })?;
        Ok(self.dossier(&customer_id)?.contacts.into_iter().find(|k| k.id == contact_id).expect("exists"))
    }

    /// Delete a contact (tombstone).
    pub fn delete_contact(&mut self, contact_id: &str) -> Result<()> {
        let customer_id = self.contact_owner(contact_id)?;
        self.check_access(&customer_id, Access::Write)?;
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contacts SET deleted_at=?2, updated_at=?2, updated_by=?3 WHERE id = ?1",
                params![contact_id, ctx.now, ctx.user],
            )?;
            reindex_customer(tx, &customer_id)
        })
    }

    /// The cleaned description, date (default today) and contact of a key-person change of
    /// `customer_id`; the contact, if any, must be a live contact of that customer.
    pub(super) fn check_contact_change(
        &self,
        customer_id: &str,
        input: &ContactChangeInput,
    ) -> Result<(String, String, Option<String>)> {
        let description = v::required("description", "变动说明", "Description", &input.description, 500)?;
        let today = crate::time::local_today(self);
        let changed_on = opt_date("changed_on", &input.changed_on)?.unwrap_or_else(|| today.to_string());
        let contact_id = clean(&input.contact_id);
        if let Some(cid) = &contact_id {
            if self.contact_owner(cid)? != customer_id {
                return Err(KamError::invalid(
                    "contact_id",
                    "该联系人不属于此客户，请从本客户的联系人中选择。",
                    "That contact belongs to another customer; pick one of this customer's contacts.",
                ));
            }
        }
        Ok((description, changed_on, contact_id))
    }

    /// One live key-person change of a live customer.
    pub fn contact_change(&self, id: &str) -> Result<ContactChange> {
        let x = self
            .conn
            .query_row(
                &format!(
                    "{CONTACT_CHANGE_SELECT} JOIN customers c ON c.id = x.customer_id
                     WHERE x.id = ?1 AND x.deleted_at IS NULL AND c.deleted_at IS NULL"
                ),
                [id],
                contact_change_from,
            )
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: crate::error::Entity::ContactChange, id: id.to_string() })?;
        self.check_access(&x.customer_id, Access::Read)?;
        Ok(x)
    }

    /// Record a key-person change (关键人员变动). A "left" change also marks the contact inactive.
    pub fn add_contact_change(&mut self, customer_id: &str, input: &ContactChangeInput) -> Result<ContactChange> {
        customer_seq(&self.conn, customer_id)?;
        self.check_access(customer_id, Access::Write)?;
        let (description, changed_on, contact_id) = self.check_contact_change(customer_id, input)?;
        let id = new_id();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO contact_changes (id, customer_id, contact_id, kind, description, changed_on,
                    created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![id, customer_id, contact_id, input.kind, description, changed_on, ctx.now, ctx.user],
            )?;
            if let (Some(cid), ContactChangeKind::Left) = (&contact_id, input.kind) {
                mark_contact_left(tx, ctx, cid)?;
            }
            Ok(())
        })?;
        Ok(self.dossier(customer_id)?.contact_changes.into_iter().find(|x| x.id == id).expect("just inserted"))
    }

    /// Edit a key-person change, validated like a new one. When the edit makes it a "left"
    /// change of a contact it was not one of before, that contact is marked inactive, as when
    /// such a change is added; an edit never reactivates a contact (a delete does not either).
    pub fn update_contact_change(&mut self, id: &str, input: &ContactChangeInput) -> Result<ContactChange> {
        let old = self.contact_change(id)?;
        self.check_access(&old.customer_id, Access::Write)?;
        let (description, changed_on, contact_id) = self.check_contact_change(&old.customer_id, input)?;
        let newly_left = input.kind == ContactChangeKind::Left
            && !(old.kind == ContactChangeKind::Left && old.contact_id == contact_id);
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE contact_changes SET contact_id=?2, kind=?3, description=?4, changed_on=?5,
                    updated_at=?6, updated_by=?7 WHERE id = ?1",
                params![id, contact_id, input.kind, description, changed_on, ctx.now, ctx.user],
            )?;
            if let (Some(cid), true) = (&contact_id, newly_left) {
                mark_contact_left(tx, ctx, cid)?;
            }
            Ok(())
        })?;
        self.contact_change(id)
    }
}
