//! The OpenAPI 3.1 document of the API: written by hand, but its list of paths is generated from the route table,
//! and building it fails a test if a route has no description here.

use domain::permission::{Role, allowed};
use domain::phase::Phase;
use serde_json::{Value, json};

use crate::guard::{Kind, RouteSpec};

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn assembly_id_parameter() -> Value {
    json!({ "name": "assembly_id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } })
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
            "operationId": "listComments", "summary": "Approved comments on the design of the process",
            "parameters": [assembly_id_parameter()],
            "responses": { "200": json_response("The approved comments", json!({ "type": "array", "items": schema_ref("Comment") })), "404": error_response("No such assembly") }
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
        _ => return None,
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
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Kleroterion API", "version": "1", "description": "Citizens' assemblies: assemblies and public comments on their design. Write operations need `Authorization: Bearer <token>` (create tokens at /staff/tokens)." },
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
                    "retry_after_seconds": { "type": "integer", "description": "With a 429: seconds until the limit's window ends (also the Retry-After header)" } } }
            }
        }
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
