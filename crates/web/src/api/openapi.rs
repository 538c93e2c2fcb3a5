//! The OpenAPI 3.1 document of the API: written by hand, but its list of paths is generated from the route table,
//! and building it fails a test if a route has no description here.

use domain::permission::{Role, allowed};
use domain::phase::Phase;
use serde_json::{Value, json};

use crate::guard::{Kind, RouteSpec};

pub(super) fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

pub(super) fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

pub(super) fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub(super) fn assembly_id_parameter() -> Value {
    json!({ "name": "assembly_id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } })
}

/// The query parameters of a paged list ([`super::page`]).
pub(super) fn paging_parameters() -> [Value; 2] {
    [
        json!({ "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": super::page::MAX_LIMIT, "default": super::page::DEFAULT_LIMIT } }),
        json!({ "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 0 } }),
    ]
}

/// One page of a list of `items` ([`super::page::Paged`]).
pub(super) fn paged(items: Value) -> Value {
    json!({ "type": "object", "required": ["total", "limit", "offset", "items"], "properties": {
        "total": { "type": "integer", "minimum": 0 }, "limit": { "type": "integer" }, "offset": { "type": "integer" },
        "items": { "type": "array", "items": items } } })
}

pub(super) fn id_parameter(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } })
}

/// A read of the lifecycle (issue 18, item 9): `summary`, the path's parameters (besides `assembly_id`), whether it
/// pages, and its 200's schema. Public reads (anyone, CORS) have no `security`; the others need a token.
fn lifecycle_read(
    operation_id: &str,
    summary: &str,
    public: bool,
    extra: &[Value],
    pages: bool,
    ok: Value,
) -> Value {
    let mut parameters = vec![assembly_id_parameter()];
    parameters.extend(extra.iter().cloned());
    let mut responses = json!({ "200": json_response("OK", ok), "404": error_response("No such assembly or object") });
    if pages {
        parameters.extend(paging_parameters());
        responses["422"] = error_response("`limit` or `offset` out of range; `field` names it");
    }
    let mut operation = json!({ "operationId": operation_id, "summary": summary, "parameters": parameters, "responses": responses });
    if !public {
        operation["security"] = json!([{ "bearer": [] }]);
    }
    operation
}

/// The OpenAPI operation of an API route, or `None` if it is undocumented (which a test forbids).
pub fn operation(method: &str, path: &str) -> Option<Value> {
    let bearer = json!([{ "bearer": [] }]);
    let operation = match (method, path) {
        ("GET", "/api/openapi.json") => json!({
            "operationId": "openapi", "summary": "This document",
            "responses": { "200": { "description": "The OpenAPI document" } }
        }),
        ("GET", "/api/v1/assemblies") => json!({
            "operationId": "listAssemblies", "summary": "List every assembly",
            "responses": { "200": json_response("The assemblies", json!({ "type": "array", "items": schema_ref("Assembly") })) }
        }),
        ("POST", "/api/v1/assemblies") => json!({
            "operationId": "createAssembly", "summary": "Create an assembly (platform administrators)", "security": bearer,
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("AssemblyInput") } } },
            "responses": {
                "201": json_response("Created", schema_ref("Assembly")),
                "400": error_response("Malformed JSON"), "401": error_response("No or unknown token"),
                "403": error_response("Not allowed"), "413": error_response("Body too large"),
                "422": error_response("A field is missing or invalid; `field` names it")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}") => json!({
            "operationId": "getAssembly", "summary": "One assembly", "parameters": [assembly_id_parameter()],
            "responses": { "200": json_response("The assembly", schema_ref("Assembly")), "404": error_response("No such assembly") }
        }),
        ("PUT", "/api/v1/assemblies/{assembly_id}") => json!({
            "operationId": "updateAssembly", "summary": "Replace an assembly's description (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("AssemblyInput") } } },
            "responses": {
                "200": json_response("Updated", schema_ref("Assembly")),
                "400": error_response("Malformed JSON"), "401": error_response("No or unknown token"),
                "403": error_response("Not allowed"), "404": error_response("No such assembly"),
                "413": error_response("Body too large"), "422": error_response("A field is missing or invalid")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/comments") => json!({
            "operationId": "listComments", "summary": "Approved comments on the design of the process, a page of them (oldest first); the X-Total-Count header says how many there are",
            "parameters": [assembly_id_parameter(), paging_parameters()[0].clone(), paging_parameters()[1].clone()],
            "responses": {
                "200": {
                    "description": "The approved comments of the page",
                    "headers": { "X-Total-Count": { "description": "How many approved comments there are", "schema": { "type": "integer", "minimum": 0 } } },
                    "content": { "application/json": { "schema": { "type": "array", "items": schema_ref("Comment") } } }
                },
                "404": error_response("No such assembly"),
                "422": error_response("`limit` or `offset` out of range; `field` names it")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/comments") => json!({
            "operationId": "postComment", "summary": "Comment on the design of the process (held for moderation)",
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("CommentInput") } } },
            "responses": {
                "202": json_response("Received, pending moderation", json!({ "type": "object", "properties": { "id": { "type": "integer" }, "status": { "const": "pending" } } })),
                "404": error_response("No such assembly"), "422": error_response("A field is missing or invalid"),
                "429": {
                    "description": "Too many comments from this client address (10 an hour, 50 a day, shared with the public page's form); nothing was saved",
                    "headers": { "Retry-After": { "description": "Seconds until the client's window ends", "schema": { "type": "integer" } } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                }
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}") => json!({
            "operationId": "getBallot", "summary": "A ballot of the assembly; `result` is null until the ballot closes, for every caller (members, observers and organisers of the assembly)", "security": bearer,
            "parameters": [assembly_id_parameter(), { "name": "ballot_id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } }],
            "responses": {
                "200": json_response("The ballot", json!({ "type": "object", "properties": {
                    "id": { "type": "integer" }, "method": { "enum": ["yes_no", "agreement", "ranking", "approval"] },
                    "wording": { "type": "string" }, "status": { "enum": ["draft", "open", "closed", "skipped"] },
                    "voters_online": { "type": "integer" },
                    "result": { "type": ["object", "null"], "properties": { "text": { "type": "string" }, "passed": { "type": ["boolean", "null"] }, "support_bp": { "type": ["integer", "null"] } } }
                } })),
                "401": error_response("No or unknown token"), "403": error_response("Not a member, observer or staff of the assembly"),
                "404": error_response("No such ballot in this assembly")
            }
        }),
        // Members' sign-in code deliveries (issue 18, item 2).
        ("GET", "/api/v1/assemblies/{assembly_id}/code-deliveries") => json!({
            "operationId": "listCodeDeliveries", "summary": "How members' sign-in codes were delivered, newest first, one page of 100 (organisers; never a code, an address or a name)", "security": bearer,
            "parameters": [assembly_id_parameter(),
                { "name": "page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "maximum": 1000000 } },
                { "name": "status", "in": "query", "required": false, "schema": { "enum": ["pending", "sending", "sent", "failed", "printed", "cancelled"] } }],
            "responses": {
                "200": json_response("One page of deliveries", json!({ "type": "object", "required": ["total", "page", "page_size", "deliveries"], "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
                    "deliveries": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "integer" }, "account_id": { "type": "integer" }, "respondent_id": { "type": ["integer", "null"] },
                        "channel": { "enum": ["email", "sms", "letter"] },
                        "status": { "enum": ["pending", "sending", "sent", "failed", "printed", "cancelled"] },
                        "attempts": { "type": "integer" }, "error": { "type": "string" },
                        "created_at": { "type": "integer" }, "updated_at": { "type": "integer" }
                    } } }
                } })),
                "404": error_response("No such assembly"), "422": error_response("`page` or `status` is invalid")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/code-deliveries/resend") => json!({
            "operationId": "resendCodeDeliveries", "summary": "Send the codes of many members again, each a new code (the old one stops working), by a channel or each one's own; one transaction, one audit entry per delivery (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["delivery_ids"], "additionalProperties": false, "properties": {
                "delivery_ids": { "type": "array", "minItems": 1, "maxItems": 10000, "items": { "type": "integer", "format": "int64" } },
                "channel": { "type": ["string", "null"], "enum": ["email", "sms", "letter", "", null] }
            } } } } },
            "responses": {
                "200": json_response("Queued again", json!({ "type": "object", "required": ["resent"], "properties": { "resent": { "type": "integer" } } })),
                "404": error_response("No such assembly, or a delivery of another assembly (nothing was written)"),
                "422": error_response("`delivery_ids` is empty or `channel` is unknown")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/mail-bounces") => json!({
            "operationId": "recordMailBounces", "summary": "Record bounce notices from the mail provider (each DSN's final recipient and RFC 3463 status): the sign-in code emails sent to those addresses become failed (`bounced 5.1.1`) and each respondent's last email gets a late failed outcome, so organisers send by another channel; one transaction (organisers, or a token of theirs given to the provider's webhook)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["bounces"], "additionalProperties": false, "properties": {
                "bounces": { "type": "array", "minItems": 1, "maxItems": 1000, "items": { "type": "object", "required": ["recipient", "status"], "additionalProperties": false, "properties": {
                    "recipient": { "type": "string", "format": "email" }, "status": { "type": "string", "pattern": "^[45]\\.[0-9]{1,3}\\.[0-9]{1,3}$" }
                } } }
            } } } } },
            "responses": {
                "200": json_response("Recorded", json!({ "type": "object", "required": ["code_deliveries", "emails"], "properties": { "code_deliveries": { "type": "integer" }, "emails": { "type": "integer" } } })),
                "404": error_response("No such assembly"),
                "422": error_response("`bounces` is empty or too long, or a recipient or status is malformed")
            }
        }),
        // Staff invitations (issue 18, item 3).
        ("POST", "/api/v1/assemblies/{assembly_id}/staff-invitations") => json!({
            "operationId": "inviteStaff", "summary": "Invite people to the assembly's staff by email with a role, all or none; each gets a one-time link, valid 7 days, and their account is created when they accept (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["invitations"], "additionalProperties": false, "properties": {
                "invitations": { "type": "array", "minItems": 1, "maxItems": 500, "items": { "type": "object", "required": ["email", "role"], "additionalProperties": false, "properties": {
                    "email": { "type": "string", "format": "email" }, "role": { "enum": ["organiser", "facilitator", "observer", "authority"] }
                } } },
                "lang": { "enum": ["en", "fr"] }
            } } } } },
            "responses": {
                "201": json_response("Invited, in order", json!({ "type": "object", "required": ["ids"], "properties": { "ids": { "type": "array", "items": { "type": "integer" } } } })),
                "404": error_response("No such assembly"),
                "409": error_response("An address already has an account (give it the role instead); nothing was written"),
                "422": error_response("An address, a role or the language is invalid; nothing was written")
            }
        }),
        // Community assemblies (issue 16, item 2).
        ("GET", "/api/v1/assemblies/{assembly_id}/community/outcomes") => json!({
            "operationId": "listCommunityOutcomes", "summary": "Accepted outcomes of the assembly's community assemblies, by area, one page of 50 (no host's email, ever)",
            "parameters": [assembly_id_parameter(), { "name": "page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0 } }],
            "responses": {
                "200": json_response("One page of accepted outcomes", json!({ "type": "object", "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
                    "outcomes": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "integer" }, "host_name": { "type": "string" }, "community": { "type": "string" },
                        "kind": { "enum": ["school", "workplace", "worship", "village", "other"] }, "area": { "type": "string" },
                        "held_on": { "type": "string", "format": "date" }, "participants": { "type": "integer" },
                        "demographics": { "type": "array", "items": { "type": "object", "properties": { "feature": { "type": "string" }, "value": { "type": "string" }, "count": { "type": "integer" } } } },
                        "questions": { "type": "string" }, "points": { "type": "string" }, "recommendations": { "type": "string" }, "notes": { "type": "string" }
                    } } }
                } })),
                "404": error_response("No such assembly")
            }
        }),
        // The public conversation (issue 16, part 1).
        ("GET", "/api/v1/assemblies/{assembly_id}/conversation") => json!({
            "operationId": "getConversation", "summary": "The assembly's public conversation: prompt, a page of the statements shown, participation and the latest opinion groups",
            "parameters": [assembly_id_parameter(),
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } },
                { "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } }],
            "responses": {
                "200": json_response("The conversation", schema_ref("Conversation")),
                "404": error_response("No such assembly, or it has no conversation"), "422": error_response("`limit` out of range")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/conversation/votes") => json!({
            "operationId": "voteInConversation", "summary": "Agree, disagree or pass on a statement from a device (no account); the latest vote of a device on a statement counts",
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ConversationVote") } } },
            "responses": {
                "200": json_response("Recorded; send `device_token` with the next votes of this device", json!({ "type": "object", "required": ["device_token"], "properties": { "device_token": { "type": "string" } } })),
                "404": error_response("No such assembly, or it has no conversation"),
                "409": error_response("The conversation is closed or the statement is not open for votes"),
                "422": error_response("A field is missing or invalid"), "429": error_response("Too many votes from this address")
            }
        }),
        // Bulk actions and CSV imports (issue 18, item 1): all or nothing, one audit entry per item.
        ("POST", "/api/v1/assemblies/{assembly_id}/panel/statuses") => json!({
            "operationId": "recordPanelStatuses", "summary": "Record the same confirmation or drop-out, with a reason from the fixed list, for many people on the panel (organisers); all or nothing. No sign-in code is ever returned", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("PanelStatusesInput") } } },
            "responses": {
                "200": json_response("Recorded for everyone listed", json!({ "type": "object", "required": ["recorded", "status"], "properties": { "recorded": { "type": "integer" }, "status": { "enum": ["confirmed", "declined", "withdrawn"] } } })),
                "409": error_response("One person's status cannot change so (`id` names them); nothing was written"),
                "422": error_response("A field is missing or invalid, or a person is not on the panel (`id` names them); nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/ballots/open") => json!({
            "operationId": "openBallots", "summary": "Open many draft ballots (organisers); all or nothing", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("BallotsInput") } } },
            "responses": {
                "200": json_response("Opened", json!({ "type": "object", "required": ["opened"], "properties": { "opened": { "type": "integer" } } })),
                "409": error_response("A ballot is not a draft or waits for an earlier one (`id` names it); nothing was written"),
                "422": error_response("A field is missing or invalid, or a ballot is not in this assembly (`id` names it)")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/ballots/close") => json!({
            "operationId": "closeBallots", "summary": "Close and count many open ballots (organisers); all or nothing", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("BallotsInput") } } },
            "responses": {
                "200": json_response("Closed and counted", json!({ "type": "object", "required": ["closed"], "properties": { "closed": { "type": "integer" } } })),
                "409": error_response("A ballot is not open or cannot be counted (`id` names it); nothing was written"),
                "422": error_response("A field is missing or invalid, or a ballot is not in this assembly (`id` names it)")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/comments/moderation") => json!({
            "operationId": "moderateComments", "summary": "Accept or reject many comments on the design of the process (organisers); all or nothing", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ModerationInput") } } },
            "responses": {
                "200": json_response("Moderated", json!({ "type": "object", "required": ["moderated", "decision"], "properties": { "moderated": { "type": "integer" }, "decision": { "enum": ["approved", "rejected"] } } })),
                "422": error_response("A field is missing or invalid, or a comment is not in this assembly (`id` names it); nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/recommendations/import") => json!({
            "operationId": "importRecommendations", "summary": "Import recommendations from CSV text (the columns of the staff page's template); `dry_run` checks and previews without writing. All or nothing, one audit entry per recommendation", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ImportInput") } } },
            "responses": {
                "200": json_response("Dry run: the file reads; nothing was written", schema_ref("ImportResult")),
                "201": json_response("Imported", schema_ref("ImportResult")),
                "422": error_response("The file does not read: `errors` lists every problem as \"Line L, column C: ...\"; nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/proposals/import") => json!({
            "operationId": "importProposals", "summary": "Import proposals from CSV text with the columns title, text, session (optional: the session's id, title, or \"title (date)\") and table (optional: its number in that session as pages show it, 3 or Table 3), drafted in the caller's name (organisers); `dry_run` checks and previews without writing. All or nothing, one audit entry per proposal", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ImportInput") } } },
            "responses": {
                "200": json_response("Dry run: the file reads; nothing was written", schema_ref("ImportResult")),
                "201": json_response("Imported", schema_ref("ImportResult")),
                "422": error_response("The file does not read: `errors` lists every problem as \"Line L, column C: ...\"; nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/recommendations/adoptions") => json!({
            "operationId": "adoptRecommendations", "summary": "Make many passed proposals recommendations, each with its reference, theme and route (organisers); all or nothing, one audit entry each", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("AdoptionsInput") } } },
            "responses": {
                "201": json_response("Adopted", json!({ "type": "object", "required": ["created", "ids"], "properties": { "created": { "type": "integer" }, "ids": { "type": "array", "items": { "type": "integer" } } } })),
                "409": error_response("A proposal is already a recommendation or its reference is taken (`id` names the proposal); nothing was written"),
                "422": error_response("A field is missing or invalid, a proposal did not pass or is not in this assembly (`id` names it); nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/responses/import")
        | ("POST", "/api/v1/assemblies/{assembly_id}/milestones/import") => {
            let (id, what, columns) = if path.contains("/responses/") {
                (
                    "importResponses",
                    "the authority's responses",
                    "reference, kind (full, modified, part, rejected), justification (optional unless the response is not in full), source_url, responded_on",
                )
            } else {
                (
                    "importMilestones",
                    "implementation milestones",
                    "reference, happened_on, kind (bill, regulation, budget_line, other), description, evidence_url",
                )
            };
            json!({
                "operationId": id, "summary": format!("Import {what} from CSV text (columns: {columns}; `reference` names a recommendation of the assembly); `dry_run` checks without writing. All or nothing, one audit entry per line (the authority, organisers)"), "security": bearer,
                "parameters": [assembly_id_parameter()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ImportInput") } } },
                "responses": {
                    "200": json_response("Dry run: the file reads; nothing was written", schema_ref("FollowupResult")),
                    "201": json_response("Recorded", schema_ref("FollowupResult")),
                    "422": error_response("The file does not read: `errors` lists every problem as \"Line L, column C: ...\"; nothing was written")
                }
            })
        }
        ("POST", "/api/v1/assemblies/{assembly_id}/sessions/import") => json!({
            "operationId": "importSessions", "summary": "Import sessions with their agenda from CSV text (columns: session_title, held_on, starts_at, ends_at, place, and optionally item_starts_at, minutes, item_title, topic; one agenda item per line, lines with the same title and day make one session); `dry_run` checks without writing. All or nothing, one audit entry per session and per agenda item (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ImportInput") } } },
            "responses": {
                "200": json_response("Dry run: the file reads; nothing was written", schema_ref("SessionsImportResult")),
                "201": json_response("Created", schema_ref("SessionsImportResult")),
                "422": error_response("The file does not read, or names a session the assembly already has: `errors` lists every problem as \"Line L, column C: ...\"; nothing was written")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/ballots/import") => json!({
            "operationId": "importBallots", "summary": "Import draft ballots from CSV text (columns: method, wording, eligible_members, and optionally proposal, pass_rule, options separated by |, max_approvals, opens_after, held_when, wording_otherwise; as the ballot form takes them); `dry_run` checks every ballot against the rules without writing. All or nothing, one audit entry per ballot (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("ImportInput") } } },
            "responses": {
                "200": json_response("Dry run: every ballot reads and the rules accept it; nothing was written", schema_ref("BallotsImportResult")),
                "201": json_response("Created as drafts", schema_ref("BallotsImportResult")),
                "409": error_response("The rules refuse a line's ballot (`errors` names the line); nothing was written"),
                "422": error_response("The file does not read, or the rules refuse a line's ballot: `errors` lists every problem as \"Line L, column C: ...\" or \"Line L: ...\"; nothing was written")
            }
        }),
        _ => return lifecycle_operation(method, path),
    };
    Some(operation)
}

/// The operations of the lifecycle's reads (issue 18, item 9).
fn lifecycle_operation(method: &str, path: &str) -> Option<Value> {
    let object = |properties: Value| json!({ "type": "object", "properties": properties });
    let any = json!({});
    let operation = match (method, path) {
        ("GET", "/api/v1/assemblies/{assembly_id}/recommendations") => lifecycle_read(
            "listRecommendations",
            "A page of the assembly's public recommendations, each with the authority's response, the implementation milestones and the fidelity judgement (no token; any origin)",
            true,
            &[],
            true,
            paged(schema_ref("Recommendation")),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}") => {
            lifecycle_read(
                "getRecommendation",
                "One public recommendation with its response, milestones and fidelity judgement (no token; any origin)",
                true,
                &[id_parameter("recommendation_id")],
                false,
                schema_ref("Recommendation"),
            )
        }
        ("GET", "/api/v1/assemblies/{assembly_id}/scorecard") => lifecycle_read(
            "getScorecard",
            "The accountability scorecard as of today: the same figures as the public scorecard page and its CSV (no token; any origin)",
            true,
            &[],
            false,
            object(json!({
                "assembly_id": { "type": "integer" }, "assembly": { "type": "string" }, "authority": { "type": "string" },
                "as_of": { "type": "string", "format": "date" }, "due": { "type": ["string", "null"], "format": "date" },
                "illustrative": { "type": "boolean" }, "headline": { "type": "string" }, "total": { "type": "integer" },
                "fully_taken_up": any.clone(), "by_response": any.clone(), "by_fidelity": any.clone(), "by_timeliness": any.clone(),
                "cherry_picking": any.clone(), "recommendations": { "type": "array" } })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/selection") => lifecycle_read(
            "getPublicSelection",
            "The published selection: final and replacement runs from their commitment on (commitment, seed once known, files, the verify command) and the replacement history by public ids (no token; any origin)",
            true,
            &[],
            false,
            object(json!({
                "runs": { "type": "array", "items": schema_ref("PublicRun") },
                "replacements": { "type": "array", "items": object(json!({
                    "dropped": { "type": ["string", "null"] }, "replacement": { "type": ["string", "null"] }, "run_id": { "type": "integer" } })) } })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/selection/runs/{run_id}/files/{file}") => {
            let mut operation = lifecycle_read(
                "getPublishedSelectionFile",
                "A published file of a public run: `pool.csv`, `features.csv`, `already-selected.csv`, `distribution.csv`, `seed.txt`, `selected.csv` or `composition.svg`, as each becomes public (no token; any origin)",
                true,
                &[
                    id_parameter("run_id"),
                    json!({ "name": "file", "in": "path", "required": true, "schema": { "type": "string" } }),
                ],
                false,
                any.clone(),
            );
            operation["responses"]["200"] = json!({ "description": "The file", "content": {
                "text/csv": { "schema": { "type": "string" } }, "text/plain": { "schema": { "type": "string" } },
                "image/svg+xml": { "schema": { "type": "string" } } } });
            operation
        }
        ("GET", "/api/v1/assemblies/{assembly_id}/evidence") => lifecycle_read(
            "getEvidence",
            "A page of the evidence library's documents and one of its speakers (the same page of each), as the public evidence page shows them (no token; any origin)",
            true,
            &[],
            true,
            object(json!({
                "documents": paged(object(json!({ "id": { "type": "integer" }, "topic": { "type": "string" }, "title": { "type": "string" }, "url": { "type": "string" }, "summary": { "type": "string" } }))),
                "speakers": paged(object(json!({ "id": { "type": "integer" }, "name": { "type": "string" }, "topic": { "type": "string" }, "perspective": { "type": "string" }, "interests": { "type": "string" }, "session_id": { "type": ["integer", "null"] } }))) })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/recruitment") => lifecycle_read(
            "getRecruitment",
            "Recruitment at a glance (observers and organisers): letters drawn, seats taken, respondents by status, and a page of the invitation lottery's draws with their seed, digest and per-area report",
            false,
            &[],
            true,
            object(json!({
                "letters": { "type": "integer" }, "seats_used": { "type": "integer" },
                "respondents": { "type": "object", "additionalProperties": { "type": "integer" } },
                "draws": paged(object(json!({ "id": { "type": "integer" }, "seed": { "type": "string" }, "digest": { "type": "string" },
                    "invitations": { "type": "integer" }, "addresses": { "type": "integer" }, "household_capacity": { "type": "integer" },
                    "drawn_at": { "type": "integer" }, "areas": { "type": "array" } }))) })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/respondents") => {
            let statuses: Vec<&str> = domain::respondent::ALL
                .iter()
                .map(|status| status.as_str())
                .collect();
            lifecycle_read(
                "listRespondents",
                "Respondents by status (observers and organisers), and for organisers only a page of the respondents with their personal data (logged as a view in the audit log); `respondents` is null for observers. No search by name: names stay out of URLs",
                false,
                &[
                    json!({ "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": statuses } }),
                ],
                true,
                object(json!({
                    "counts": { "type": "object", "additionalProperties": { "type": "integer" } },
                    "invitations": { "type": "integer" }, "seats_used": { "type": "integer" }, "personal": { "type": "boolean" },
                    "respondents": { "anyOf": [{ "type": "null" }, paged(object(json!({
                        "id": { "type": "integer" }, "status": { "type": "string", "enum": statuses }, "full_name": { "type": "string" },
                        "email": { "type": "string" }, "phone": { "type": "string" }, "answers": { "type": "object" },
                        "access_needs": { "type": "object" }, "registered_at": { "type": "integer" } })))] } })),
            )
        }
        ("GET", "/api/v1/assemblies/{assembly_id}/quotas") => lifecycle_read(
            "getQuotas",
            "The panel size, the announced seed source and a page of the quotas (observers and organisers)",
            false,
            &[],
            true,
            object(json!({
                "panel_size": { "type": ["integer", "null"] }, "seed_source": { "type": ["string", "null"] },
                "quotas": paged(object(json!({ "feature": { "type": "string" }, "value": { "type": "string" }, "share_ppm": { "type": "integer" },
                    "min_seats": { "type": "integer" }, "max_seats": { "type": "integer" } }))) })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/selection/runs") => lifecycle_read(
            "listSelectionRuns",
            "A page of every selection run, test runs too, newest first, as they stand now (observers and organisers)",
            false,
            &[],
            true,
            paged(object(json!({
                "id": { "type": "integer" }, "kind": { "type": "string" }, "status": { "type": "string" }, "algorithm": { "type": "string" },
                "panel_size": { "type": "integer" }, "lottery_panels": { "type": ["integer", "null"] }, "public": { "type": "boolean" },
                "commitment": { "type": ["string", "null"] }, "seed": { "type": ["string", "null"] }, "message": { "type": ["string", "null"] },
                "cancel_requested": { "type": "boolean" }, "created_at": { "type": "integer" }, "finished_at": { "type": ["integer", "null"] } }))),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/sessions") => lifecycle_read(
            "listSessions",
            "The number of members and a page of the sessions in date order, with their agenda and register counts (observers, facilitators, organisers)",
            false,
            &[],
            true,
            object(json!({
                "members": { "type": "integer" },
                "sessions": paged(object(json!({
                    "id": { "type": "integer" }, "title": { "type": "string" }, "held_on": { "type": "string" }, "starts_at": { "type": "string" },
                    "ends_at": { "type": "string" }, "place": { "type": "string" }, "agenda": { "type": "array" },
                    "attendance": object(json!({ "present": { "type": "integer" }, "late": { "type": "integer" }, "absent": { "type": "integer" } })) }))) })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/tables") => lifecycle_read(
            "getTables",
            "The current seating (null before the first allocation): a page of its sessions, each with its tables, their facilitator and members by account id and name (observers and organisers)",
            false,
            &[],
            true,
            object(json!({
                "latest_run": { "type": ["object", "null"] },
                "current": { "anyOf": [{ "type": "null" }, object(json!({
                    "run_id": { "type": "integer" }, "seats_per_table": { "type": "integer" }, "seed": { "type": "integer" },
                    "sessions": paged(object(json!({ "session_id": { "type": "integer" }, "tables": { "type": "array" } }))) }))] } })),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/proposals") => lifecycle_read(
            "listProposals",
            "A page of the assembly's proposals, oldest first, each in its current version with its session (`session_id`), its table in that session (`table`, numbered from 1 as pages show it) and, for proposals drafted before they were linked, the free-text labels that named no session or table (members, observers, facilitators, organisers)",
            false,
            &[],
            true,
            paged(object(json!({
                "id": { "type": "integer" }, "title": { "type": "string" }, "text": { "type": "string" },
                "session_id": { "type": ["integer", "null"] }, "table": { "type": ["integer", "null"], "minimum": 1 },
                "legacy_session": { "type": "string" }, "legacy_table": { "type": "string" },
                "stage": { "enum": ["drafting", "balloting", "passed", "not_passed", "recommended"] }, "version": { "type": "integer" }, "minority_report": { "type": "string" }, "created_at": { "type": "integer" } }))),
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/ballots") => lifecycle_read(
            "listBallots",
            "A page of the assembly's ballots, oldest first; `result` is null until a ballot closes, for every caller (members, observers, facilitators, organisers)",
            false,
            &[],
            true,
            paged(object(json!({
                "id": { "type": "integer" }, "proposal_id": { "type": ["integer", "null"] }, "method": { "enum": ["yes_no", "agreement", "ranking", "approval"] },
                "wording": { "type": "string" }, "status": { "enum": ["draft", "open", "closed", "skipped"] }, "eligible_members": { "type": "integer" },
                "opened_at": { "type": ["integer", "null"] }, "closed_at": { "type": ["integer", "null"] },
                "result": { "type": ["object", "null"], "properties": { "text": { "type": "string" }, "passed": { "type": ["boolean", "null"] }, "support_bp": { "type": ["integer", "null"] } } } }))),
        ),
        // The bulk actions of issue 18 for scripts: print runs, phases and publishing, questions; impact edits.
        _ => {
            return super::prints::operation(method, path)
                .or_else(|| super::publishing::operation(method, path))
                .or_else(|| super::questions::operation(method, path))
                .or_else(|| super::impact_edits::operation(method, path));
        }
    };
    Some(operation)
}

/// Adds to `operation` the error responses that the guard and the extractors can give on `spec`'s route, whatever
/// the handler does, keeping any that the operation describes itself:
/// - 401 on every route: an `Authorization` header that is not a known bearer token is refused even where none
///   is needed, and a route that needs a role refuses a request without one;
/// - 403 where some role may not perform the route's action (the permission table decides);
/// - 404 where the path has parameters (no such object, or an id that is not an integer);
/// - 400, 413, 415 and 422 where there is a JSON body (not JSON, too large, not `application/json`, wrong shape);
/// - 409 on every write (the change conflicts with stored data), and 429 on the writes that anyone may make
///   without a token (rate limited per client).
fn add_common_responses(spec: &RouteSpec, operation: &mut Value) {
    let mut common = vec![("401", "No token, or not a known token")];
    if Role::ALL.iter().any(|role| !allowed(*role, spec.action)) {
        common.push(("403", "The token's account may not do this"));
    }
    if spec.path.contains('{') {
        common.push(("404", "No such object (or an id that is not an integer)"));
    }
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == "query"));
    if has_query {
        common.push((
            "400",
            "A query parameter is not valid (the message names it)",
        ));
    }
    if operation.get("requestBody").is_some() {
        common.extend([
            ("400", "The body is not JSON"),
            ("413", "The body is too large"),
            ("415", "The body is not `application/json`"),
            ("422", "A field is missing or invalid; `field` names it"),
        ]);
    }
    if spec.method != "GET" {
        common.push(("409", "The change conflicts with stored data"));
        if allowed(Role::Public, spec.action) {
            common.push(("429", "Too many requests from this client; try again later"));
        }
    }
    let Some(responses) = operation
        .as_object_mut()
        .map(|operation| operation.entry("responses").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (status, description) in common {
        responses
            .entry(status)
            .or_insert_with(|| error_response(description));
    }
}

/// The schemas of the lifecycle's reads (issue 18, item 9).
fn lifecycle_schemas() -> Value {
    json!({
                "Recommendation": { "type": "object", "required": ["id", "reference", "title", "text", "theme", "milestones"], "properties": {
                    "id": { "type": "integer" }, "reference": { "type": "string" }, "title": { "type": "string" }, "text": { "type": "string" },
                    "theme": { "type": "string" }, "route": { "type": "string" }, "support_bp": { "type": ["integer", "null"], "description": "share of members supporting it, in basis points" },
                    "support": { "type": "string" }, "minority_report": { "type": "string" }, "proposal_id": { "type": ["integer", "null"] },
                    "status": { "type": ["string", "null"], "description": "the scorecard's timeliness of the response" },
                    "response": { "type": ["object", "null"], "properties": {
                        "kind": { "enum": domain::impact::Reply::ALL.iter().map(|reply| reply.as_str()).collect::<Vec<_>>() },
                        "justification": { "type": "string" }, "source_url": { "type": "string" },
                        "responded_on": { "type": "string", "format": "date" }, "on_behalf": { "type": "boolean" }, "version": { "type": "integer" } } },
                    "milestones": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "integer" }, "version": { "type": "integer" }, "happened_on": { "type": "string", "format": "date" },
                        "kind": { "enum": domain::impact::Instrument::ALL.iter().map(|kind| kind.as_str()).collect::<Vec<_>>() },
                        "description": { "type": "string" }, "evidence_url": { "type": "string" } } } },
                    "fidelity": { "type": ["object", "null"], "properties": { "version": { "type": "integer" },
                        "verdict": { "enum": domain::impact::Verdict::ALL.iter().map(|verdict| verdict.as_str()).collect::<Vec<_>>() },
                        "judged_by": { "enum": domain::impact::JudgedBy::ALL.iter().map(|judge| judge.as_str()).collect::<Vec<_>>() },
                        "reasons": { "type": "string" }, "enacted_text": { "type": "string" }, "judged_on": { "type": "string", "format": "date" } } } } },
                "PublicRun": { "type": "object", "required": ["id", "kind", "status", "files"], "properties": {
                    "id": { "type": "integer" }, "kind": { "enum": ["final", "replacement"] }, "status": { "type": "string" },
                    "algorithm": { "type": "string" }, "panel_size": { "type": "integer" }, "lottery_panels": { "type": ["integer", "null"] },
                    "commitment": { "type": ["string", "null"], "description": "published before the seed is known" },
                    "commitment_version": { "type": "integer" }, "seed_source": { "type": ["string", "null"] },
                    "seed": { "type": ["string", "null"] }, "verify_command": { "type": ["string", "null"] },
                    "created_at": { "type": "integer" }, "finished_at": { "type": ["integer", "null"] },
                    "files": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "path": { "type": "string" } } } } } }
    })
}

/// The OpenAPI 3.1 document: every API route of the route table (`specs`) with its operation.
pub fn openapi_document(specs: &[RouteSpec]) -> Value {
    let mut paths = serde_json::Map::new();
    for spec in specs.iter().filter(|spec| spec.kind == Kind::Api) {
        let mut operation = operation(spec.method, spec.path)
            .unwrap_or_else(|| json!({ "summary": "UNDOCUMENTED" }));
        add_common_responses(spec, &mut operation);
        let entry = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[spec.method.to_lowercase()] = operation;
    }
    let phases: Vec<&str> = Phase::ALL.iter().map(|phase| phase.as_str()).collect();
    let mut document = json!({
        "openapi": "3.1.0",
        "info": { "title": "Kleroterion API", "version": "1", "description": "Citizens' assemblies through their whole lifecycle. Operations without `security` need no token and answer every origin (CORS, no credentials): assemblies, recommendations with the authority's responses, the scorecard, the published selection and the evidence. The others need `Authorization: Bearer <token>` (create tokens at /staff/tokens) and a role in the assembly. Lists page with `limit` and `offset`." },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Phase": { "type": "object", "required": ["phase"], "additionalProperties": false, "properties": {
                    "phase": { "type": "string", "enum": phases },
                    "starts_on": { "type": ["string", "null"], "format": "date" },
                    "ends_on": { "type": ["string", "null"], "format": "date" } } },
                "Assembly": { "type": "object", "required": ["id", "title", "question", "authority", "commitments", "current_phase", "timeline"], "properties": {
                    "id": { "type": "integer", "format": "int64" },
                    "title": { "type": "string" }, "question": { "type": "string" }, "authority": { "type": "string" },
                    "commitments": { "type": "array", "items": { "type": "string" } },
                    "current_phase": { "type": "string", "enum": phases },
                    "timeline": { "type": "array", "items": schema_ref("Phase") } } },
                "AssemblyInput": { "type": "object", "required": ["title", "question", "authority", "current_phase"], "additionalProperties": false, "properties": {
                    "title": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "question": { "type": "string", "minLength": 1, "maxLength": 2000 },
                    "authority": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "commitments": { "type": "array", "maxItems": domain::assembly::MAX_COMMITMENTS, "items": { "type": "string", "minLength": 1, "maxLength": 500 } },
                    "current_phase": { "type": "string", "enum": phases },
                    "timeline": { "type": "array", "items": schema_ref("Phase") } } },
                "Comment": { "type": "object", "required": ["id", "body", "created_at"], "properties": {
                    "id": { "type": "integer" }, "body": { "type": "string" }, "created_at": { "type": "integer", "description": "unix seconds" } } },
                "CommentInput": { "type": "object", "required": ["body"], "additionalProperties": false, "properties": {
                    "body": { "type": "string", "minLength": 1, "maxLength": 2000 } } },
                "Conversation": { "type": "object", "required": ["prompt", "moderation", "open", "participation", "statements"], "properties": {
                    "prompt": { "type": "string" }, "moderation": { "enum": ["accepted_only", "unless_rejected"] }, "open": { "type": "boolean" },
                    "participation": { "type": "object", "properties": { "participants": { "type": "integer" }, "votes": { "type": "integer" }, "statements": { "type": "integer" } } },
                    "statements": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" }, "text": { "type": "string" }, "meta": { "type": "boolean" }, "votes": { "type": "integer" } } } },
                    "analysed_at": { "type": ["integer", "null"], "description": "unix seconds" },
                    "results": { "type": ["object", "null"], "properties": {
                        "participants": { "type": "integer" }, "clustered": { "type": "integer" }, "votes": { "type": "integer" },
                        "groups": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" }, "size": { "type": "integer" }, "representative": { "type": "array", "items": schema_ref("StatementShare") } } } },
                        "consensus": { "type": "array", "items": schema_ref("StatementShare") } } } } },
                "StatementShare": { "type": "object", "properties": { "statement_id": { "type": "integer" }, "agree": { "type": "boolean" }, "share": { "type": "number", "description": "smoothed share of the group (or of everyone, for consensus) voting that way" } } },
                "ConversationVote": { "type": "object", "required": ["statement_id", "vote"], "additionalProperties": false, "properties": {
                    "device_token": { "type": "string", "pattern": "^[0-9a-f]{64}$" }, "statement_id": { "type": "integer" }, "vote": { "enum": ["agree", "disagree", "pass"] } } },
                "Error": { "type": "object", "required": ["error"], "properties": {
                    "error": { "type": "string" }, "field": { "type": ["string", "null"] },
                    "retry_after_seconds": { "type": "integer", "description": "With a 429: seconds until the limit's window ends (also the Retry-After header)" },
                    "id": { "type": "integer", "description": "With a refused bulk action: the item it stopped at" },
                    "errors": { "type": "array", "items": { "type": "string" }, "description": "With a refused import: every problem of the file by line and column" } } }
            }
        }
    });
    // The lifecycle's schemas, apart: one `json!` of them all would pass the macro's recursion limit.
    if let (Some(schemas), Value::Object(lifecycle)) = (
        document["components"]["schemas"].as_object_mut(),
        lifecycle_schemas(),
    ) {
        schemas.extend(lifecycle);
    }
    if let (Some(schemas), Value::Object(bulk)) = (
        document["components"]["schemas"].as_object_mut(),
        bulk_schemas(),
    ) {
        schemas.extend(bulk);
    }
    document
}

/// The schemas of the bulk actions and imports (issue 18, item 1), apart from the main document's so that one
/// `json!` stays within the macro's recursion limit.
fn bulk_schemas() -> Value {
    json!({
                "PanelStatusesInput": { "type": "object", "required": ["respondent_ids", "status"], "additionalProperties": false, "properties": {
                    "respondent_ids": { "type": "array", "minItems": 1, "maxItems": app::bulk::MAX_ITEMS, "items": { "type": "integer", "format": "int64" } },
                    "status": { "enum": ["confirmed", "declined", "withdrawn"] },
                    "reason_category": { "enum": ["", "checked", "their_request", "unreachable", "ineligible", "duplicate", "replacement", "correction", "other"] } } },
                "BallotsInput": { "type": "object", "required": ["ballot_ids"], "additionalProperties": false, "properties": {
                    "ballot_ids": { "type": "array", "minItems": 1, "maxItems": app::bulk::MAX_ITEMS, "items": { "type": "integer", "format": "int64" } } } },
                "ModerationInput": { "type": "object", "required": ["comment_ids", "decision"], "additionalProperties": false, "properties": {
                    "comment_ids": { "type": "array", "minItems": 1, "maxItems": app::bulk::MAX_ITEMS, "items": { "type": "integer", "format": "int64" } },
                    "decision": { "enum": ["approved", "rejected"] } } },
                "ImportInput": { "type": "object", "required": ["csv"], "additionalProperties": false, "properties": {
                    "csv": { "type": "string", "description": "A header row naming the operation's columns (for recommendations: reference, title, theme, and optionally support, route, body), then one item per line" },
                    "dry_run": { "type": "boolean", "default": false } } },
                "ImportResult": { "type": "object", "required": ["created", "ids", "preview"], "properties": {
                    "created": { "type": "integer" }, "ids": { "type": "array", "items": { "type": "integer" } },
                    "preview": { "type": "array", "items": { "type": "object", "properties": {
                        "reference": { "type": "string" }, "title": { "type": "string" }, "theme": { "type": "string" },
                        "support_bp": { "type": ["integer", "null"] }, "route": { "enum": ["law", "regulation", "referendum", "other"] } } } } } },
                "AdoptionsInput": { "type": "object", "required": ["adoptions"], "additionalProperties": false, "properties": {
                    "adoptions": { "type": "array", "minItems": 1, "maxItems": app::bulk::MAX_ITEMS, "items": { "type": "object", "required": ["proposal_id", "reference", "theme", "route"], "additionalProperties": false, "properties": {
                        "proposal_id": { "type": "integer", "format": "int64" }, "reference": { "type": "string", "minLength": 1, "maxLength": 40 },
                        "theme": { "type": "string", "minLength": 1, "maxLength": 200 }, "route": { "enum": ["law", "regulation", "referendum", "other"] } } } } } },
                "FollowupResult": { "type": "object", "required": ["created", "lines"], "properties": {
                    "created": { "type": "integer" }, "lines": { "type": "integer" } } },
                "SessionsImportResult": { "type": "object", "required": ["created", "ids", "sessions", "agenda_items"], "properties": {
                    "created": { "type": "integer", "description": "Sessions created (0 for a dry run)" }, "ids": { "type": "array", "items": { "type": "integer" } },
                    "sessions": { "type": "integer" }, "agenda_items": { "type": "integer" } } },
                "BallotsImportResult": { "type": "object", "required": ["created", "ids", "lines"], "properties": {
                    "created": { "type": "integer", "description": "Ballots created (0 for a dry run)" }, "ids": { "type": "array", "items": { "type": "integer" } },
                    "lines": { "type": "integer" } } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::route_specs;

    #[test]
    fn every_api_route_is_documented() {
        for spec in route_specs()
            .into_iter()
            .filter(|spec| spec.kind == Kind::Api)
        {
            assert!(
                operation(spec.method, spec.path).is_some(),
                "{} {} has no OpenAPI operation",
                spec.method,
                spec.path
            );
        }
    }

    #[test]
    fn a_read_needs_a_token_in_the_document_exactly_when_the_public_may_not_make_it() {
        let document = openapi_document(&route_specs());
        let mut public_reads = 0;
        for spec in route_specs()
            .into_iter()
            .filter(|spec| spec.kind == Kind::Api && spec.method == "GET")
        {
            let operation = &document["paths"][spec.path]["get"];
            let public = allowed(Role::Public, spec.action);
            assert_eq!(operation.get("security").is_none(), public, "{}", spec.path);
            assert_eq!(
                crate::routes::cross_origin_readable(&spec),
                public,
                "{}",
                spec.path
            );
            public_reads += usize::from(public);
        }
        assert!(public_reads >= 10, "{public_reads}");
    }

    #[test]
    fn every_operation_lists_the_errors_that_the_guard_and_the_extractors_give() {
        let document = openapi_document(&route_specs());
        for spec in route_specs()
            .into_iter()
            .filter(|spec| spec.kind == Kind::Api)
        {
            let operation = &document["paths"][spec.path][spec.method.to_lowercase()];
            let responses = operation["responses"].as_object().unwrap();
            let mut expected = vec!["401"];
            if spec.path.contains('{') {
                expected.push("404");
            }
            if operation.get("requestBody").is_some() {
                expected.extend(["400", "413", "415", "422"]);
            }
            let has_query = operation["parameters"]
                .as_array()
                .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == "query"));
            if has_query {
                expected.push("400");
            }
            for status in expected {
                assert!(
                    responses.contains_key(status),
                    "{} {} does not list {status}",
                    spec.method,
                    spec.path
                );
            }
        }
        let responses = |method: &str, path: &str| {
            document["paths"][path][method]["responses"]
                .as_object()
                .unwrap()
                .clone()
        };
        // Anyone may read the list and comment; only some roles may edit an assembly.
        assert!(!responses("get", "/api/v1/assemblies").contains_key("403"));
        assert!(responses("put", "/api/v1/assemblies/{assembly_id}").contains_key("403"));
        assert!(responses("post", "/api/v1/assemblies/{assembly_id}/comments").contains_key("429"));
        assert!(!responses("put", "/api/v1/assemblies/{assembly_id}").contains_key("429"));
        // An operation's own description of a status is kept.
        assert_eq!(
            responses("get", "/api/v1/assemblies/{assembly_id}")["404"]["description"],
            "No such assembly"
        );
    }
}
