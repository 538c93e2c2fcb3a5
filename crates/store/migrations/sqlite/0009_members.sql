-- Members from recruitment (issue 4, items 2 and 6, SQLite): how a respondent's consent was recorded, and by whom.
-- `online`: ticked on the public form; `verbal`: given on the phone to the staff member in consent_recorded_by;
-- `import`: confirmed by the organiser who imported a CSV gathered elsewhere. `lang` is the language of the form,
-- in which the respondent's emails are written.
-- Emails go out after the transaction commits; each outcome is kept in email_outbox (0004) without the address.

ALTER TABLE respondents ADD COLUMN consent_method TEXT NOT NULL DEFAULT 'online' CHECK (consent_method IN ('online', 'verbal', 'import'));
ALTER TABLE respondents ADD COLUMN consent_recorded_by BIGINT REFERENCES accounts (id);
ALTER TABLE respondents ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
CREATE INDEX email_outbox_respondent ON email_outbox (respondent_id, id);
