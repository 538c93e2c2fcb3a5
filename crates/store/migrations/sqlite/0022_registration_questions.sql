-- The registration questions of an assembly as their own list (issue 18, item 4): each feature with its values in
-- the form's order, and which feature is the area (its value comes from the invitation's area, the address list's
-- area column, and is never asked). Quotas refer to these values. Until now the questions were the quota table's
-- features and the area had to be named `area`: existing assemblies keep exactly what they had.

CREATE TABLE registration_questions (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    position BIGINT NOT NULL,
    feature TEXT NOT NULL,
    value TEXT NOT NULL,
    CONSTRAINT registration_questions_value_key UNIQUE (assembly_id, feature, value)
);
CREATE INDEX registration_questions_assembly ON registration_questions (assembly_id, position);

-- Where the questions come from: `page` (the registration questions page; quotas must then refer to them) or
-- `quotas` (an assembly that defined its features in the quota editor, as before that page: each quota save
-- defines them again). The area feature, if any, answers from the invitation's area.
CREATE TABLE registration_settings (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    source TEXT NOT NULL CHECK (source IN ('page', 'quotas')),
    area_feature TEXT
);

INSERT INTO registration_questions (assembly_id, position, feature, value)
    SELECT assembly_id, position, feature, value FROM selection_quotas;

INSERT INTO registration_settings (assembly_id, source, area_feature)
    SELECT assembly_id, 'quotas', MAX(CASE WHEN feature = 'area' THEN 'area' END)
    FROM selection_quotas GROUP BY assembly_id;
