-- Impact and accountability (issue 6), SQLite.
-- A new assignable role, 'authority' (the commissioning authority's staff): SQLite cannot change a CHECK
-- constraint, so assembly_roles is rebuilt with the same columns and rows (nothing references it).

CREATE TABLE assembly_roles_new (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'facilitator', 'member', 'observer', 'authority')),
    PRIMARY KEY (assembly_id, account_id)
);
INSERT INTO assembly_roles_new (assembly_id, account_id, role) SELECT assembly_id, account_id, role FROM assembly_roles;
DROP TABLE assembly_roles;
ALTER TABLE assembly_roles_new RENAME TO assembly_roles;
CREATE INDEX assembly_roles_account ON assembly_roles (account_id);

-- The authority's deadline for the assembly: "respond within N weeks of the final report".
CREATE TABLE impact_settings (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    final_report_on TEXT NOT NULL,
    response_weeks BIGINT NOT NULL CHECK (response_weeks >= 1 AND response_weeks <= 260),
    -- 1 when the data are made up (a demonstration, a training exercise): public pages say so.
    illustrative BIGINT NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1)),
    updated_at BIGINT NOT NULL
);

-- The authority's response to a recommendation (one per recommendation; a new one replaces it, the audit log keeps the history).
-- on_behalf = 1 when an organiser entered it for the authority.
CREATE TABLE impact_responses (
    recommendation_id BIGINT PRIMARY KEY REFERENCES recommendations (id),
    kind TEXT NOT NULL CHECK (kind IN ('full', 'modified', 'part', 'rejected')),
    justification TEXT NOT NULL,
    source_url TEXT NOT NULL,
    responded_on TEXT NOT NULL,
    recorded_by BIGINT REFERENCES accounts (id),
    on_behalf BIGINT NOT NULL CHECK (on_behalf IN (0, 1)),
    recorded_at BIGINT NOT NULL
);

-- Implementation milestones with their evidence.
CREATE TABLE impact_milestones (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    happened_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bill', 'regulation', 'budget_line', 'other')),
    description TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    recorded_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_milestones_recommendation ON impact_milestones (recommendation_id, happened_on);

-- The fidelity judgement (one per recommendation), by the oversight group or the members.
CREATE TABLE impact_fidelity (
    recommendation_id BIGINT PRIMARY KEY REFERENCES recommendations (id),
    fidelity TEXT NOT NULL CHECK (fidelity IN ('full', 'diluted', 'different', 'none')),
    judge TEXT NOT NULL CHECK (judge IN ('oversight_group', 'members')),
    reasons TEXT NOT NULL,
    enacted_text TEXT NOT NULL,
    judged_on TEXT NOT NULL,
    recorded_by BIGINT REFERENCES accounts (id),
    recorded_at BIGINT NOT NULL
);

-- The change strategy: tactics, allies and the power map (working material of members and organisers).
CREATE TABLE impact_tactics (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    arena TEXT NOT NULL CHECK (arena IN ('insider', 'outsider')),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    lead TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'done')),
    outcome TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_tactics_recommendation ON impact_tactics (recommendation_id);

CREATE TABLE impact_allies (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('organisation', 'person')),
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_allies_recommendation ON impact_allies (recommendation_id);

-- stance: -2 (strongly against) .. 2 (strongly for); influence: 1 (little) .. 5 (decisive).
CREATE TABLE impact_actors (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    name TEXT NOT NULL,
    actor_role TEXT NOT NULL CHECK (actor_role IN ('decision_maker', 'influencer')),
    visibility TEXT NOT NULL CHECK (visibility IN ('visible', 'hidden')),
    stance BIGINT NOT NULL CHECK (stance >= -2 AND stance <= 2),
    influence BIGINT NOT NULL CHECK (influence >= 1 AND influence <= 5),
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_actors_recommendation ON impact_actors (recommendation_id);

-- Members as advocates: who opted in to follow-up, the material per recommendation, and the actions they log.
CREATE TABLE impact_advocates (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    opted_in_at BIGINT NOT NULL,
    PRIMARY KEY (assembly_id, account_id)
);

CREATE TABLE impact_material (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    kind TEXT NOT NULL CHECK (kind IN ('talking_point', 'media_training')),
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_material_recommendation ON impact_material (recommendation_id);

CREATE TABLE impact_actions (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    happened_on TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX impact_actions_recommendation ON impact_actions (recommendation_id);

-- Evaluation surveys. That a member answered a survey (survey_takers) is kept apart from what was answered
-- (survey_answers: no account, no timestamp), like ballots. Values are 1..5 on a Likert scale.
CREATE TABLE survey_takers (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    survey TEXT NOT NULL CHECK (survey IN ('members_before', 'members_after')),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (assembly_id, survey, account_id)
);

CREATE TABLE survey_answers (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    survey TEXT NOT NULL CHECK (survey IN ('members_before', 'members_after', 'public')),
    item TEXT NOT NULL,
    value BIGINT NOT NULL CHECK (value >= 1 AND value <= 5),
    count BIGINT NOT NULL,
    PRIMARY KEY (assembly_id, survey, item, value)
);
