//! File uploads from plain HTML forms, without JavaScript and without a new dependency.
//!
//! A form with `enctype="multipart/form-data"` sends its fields as parts of one body (RFC 7578). The guard has
//! already read the whole body into memory under the route's upload limit ([`crate::routes::RouteSpec::upload`])
//! and checked its CSRF token with [`csrf_field`]; [`FormData`] then turns the parts into the same struct a
//! urlencoded form gives, so one handler takes either a pasted textarea or a chosen file.
//!
//! The convention: a file input named `X_file` fills the text field `X` (the textarea beside it), and wins over
//! it when both are given. A file must be UTF-8 text; the error names the field.

use axum::extract::{Form, FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The suffix of a file input's name that fills the text field without it.
pub const FILE_SUFFIX: &str = "_file";

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field's name.
    pub name: String,
    /// The file's name, for a file input (may be empty when no file was chosen).
    pub filename: Option<String>,
    /// The content.
    pub data: Vec<u8>,
}

/// Why a multipart body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The body ends before its closing boundary, or a part has no header block.
    #[error("the upload is incomplete or malformed ({0})")]
    Malformed(&'static str),
    /// A part without `Content-Disposition: form-data; name="..."`.
    #[error("a part of the upload has no field name")]
    Unnamed,
    /// A file that is not UTF-8 text.
    #[error("{0}: the file is not UTF-8 text (save it as CSV in UTF-8)")]
    NotText(String),
    /// Too many parts for a form.
    #[error("the upload has too many fields")]
    TooManyParts,
}

/// The most parts a form may have (our forms have a dozen fields).
const MAX_PARTS: usize = 256;

/// The boundary of a `multipart/form-data` content type, or `None` for any other content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    let mime = pieces.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    for piece in pieces {
        let Some((key, value)) = piece.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("boundary") {
            let value = value.trim().trim_matches('"');
            // RFC 2046: 1 to 70 characters.
            if value.is_empty() || value.len() > 70 {
                return None;
            }
            return Some(value.to_owned());
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at + needle.len() <= haystack.len() {
        let offset = haystack[at..=haystack.len() - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        at += offset;
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The value of a `key=value` or `key="value"` parameter of a header (case-insensitive key; `\"` inside quotes).
fn parameter(header_value: &str, wanted: &str) -> Option<String> {
    let bytes = header_value.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Skip to the next parameter.
        while at < bytes.len() && bytes[at] != b';' {
            if bytes[at] == b'"' {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            at += 1;
        }
        at += 1;
        let rest = header_value.get(at..)?;
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        let Some(equals) = trimmed.find('=') else {
            return None;
        };
        let key = trimmed[..equals].trim();
        let value_start = at + equals + 1;
        if value_start > bytes.len() {
            return None;
        }
        let (value, end) = if bytes.get(value_start) == Some(&b'"') {
            let mut value = String::new();
            let mut index = value_start + 1;
            let mut chars = header_value[index..].char_indices();
            let mut closed = false;
            while let Some((offset, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        index += offset + 1;
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return None;
            }
            (value, index)
        } else {
            let end = header_value[value_start..]
                .find(';')
                .map_or(bytes.len(), |i| value_start + i);
            (header_value[value_start..end].trim().to_owned(), end)
        };
        if key.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
        at = end;
    }
    None
}

/// Splits a `multipart/form-data` body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, UploadError> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut next_delimiter = b"\r\n".to_vec();
    next_delimiter.extend_from_slice(&delimiter);
    // The first delimiter may open the body directly or follow a preamble and a line break.
    let mut at = if body.starts_with(&delimiter) {
        0
    } else {
        find(body, &next_delimiter, 0).ok_or(UploadError::Malformed("no boundary"))? + 2
    };
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break that ends the delimiter line.
        while matches!(body.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(UploadError::Malformed("boundary line"));
        }
        at += 2;
        let end =
            find(body, &next_delimiter, at).ok_or(UploadError::Malformed("no closing boundary"))?;
        let part = &body[at..end];
        let split = find(part, b"\r\n\r\n", 0)
            .map(|i| (i, i + 4))
            .or_else(|| part.starts_with(b"\r\n").then_some((0, 2)))
            .ok_or(UploadError::Malformed("part headers"))?;
        let headers = std::str::from_utf8(&part[..split.0])
            .map_err(|_| UploadError::Malformed("part headers"))?;
        let mut name = None;
        let mut filename = None;
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                let value = value.trim();
                if !value.to_ascii_lowercase().starts_with("form-data") {
                    return Err(UploadError::Unnamed);
                }
                name = parameter(value, "name");
                filename = parameter(value, "filename");
            }
        }
        let name = name
            .filter(|name| !name.is_empty())
            .ok_or(UploadError::Unnamed)?;
        if parts.len() == MAX_PARTS {
            return Err(UploadError::TooManyParts);
        }
        parts.push(Part {
            name,
            filename,
            data: part[split.1..].to_vec(),
        });
        at = end + 2;
    }
}

/// The CSRF token of a multipart body, for the guard.
pub fn csrf_field(body: &[u8], boundary: &str, field: &str) -> Option<String> {
    parse(body, boundary)
        .ok()?
        .into_iter()
        .find(|part| part.name == field && part.filename.is_none())
        .and_then(|part| String::from_utf8(part.data).ok())
}

/// The form's fields as name/value pairs, files folded into their text fields (see the module's text), and the
/// names of the fields that came from a file.
pub fn fields(parts: Vec<Part>) -> Result<(Vec<(String, String)>, Vec<String>), UploadError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut from_files = Vec::new();
    let mut files = Vec::new();
    for part in parts {
        match (&part.filename, part.name.strip_suffix(FILE_SUFFIX)) {
            (Some(_), Some(target)) => {
                if part.data.is_empty() {
                    // A file input left empty.
                    continue;
                }
                let text = String::from_utf8(part.data)
                    .map_err(|_| UploadError::NotText(part.name.clone()))?;
                // A byte order mark from a spreadsheet program is not part of the first column's name.
                let text = text
                    .strip_prefix('\u{feff}')
                    .map(str::to_owned)
                    .unwrap_or(text);
                files.push((target.to_owned(), text));
            }
            (Some(_), None) => {
                // A file input that does not follow the convention: ignored, like an unknown field.
            }
            (None, _) => {
                let text = String::from_utf8(part.data)
                    .map_err(|_| UploadError::NotText(part.name.clone()))?;
                pairs.push((part.name, text));
            }
        }
    }
    for (target, text) in files {
        pairs.retain(|(name, _)| *name != target);
        pairs.push((target.clone(), text));
        from_files.push(target);
    }
    Ok((pairs, from_files))
}

/// A form that may come urlencoded or as `multipart/form-data` with files: the struct, and the names of the
/// fields that came from a file (so an error page does not echo a whole file back into a textarea).
#[derive(Debug)]
pub struct FormData<T>(pub T, pub Vec<String>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormData<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let Some(boundary) = boundary(&content_type) else {
            let Form(value) = Form::<T>::from_request(request, state).await?;
            return Ok(FormData(value, Vec::new()));
        };
        // The guard has read and limited the body already; this only takes the bytes it kept.
        let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let bad = |message: String| AppError::BadInput {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
        };
        let parts = parse(&bytes, &boundary).map_err(|error| bad(error.to_string()))?;
        let (pairs, from_files) = fields(parts).map_err(|error| bad(error.to_string()))?;
        let encoded = serde_urlencoded::to_string(&pairs).map_err(AppError::internal)?;
        let value =
            serde_urlencoded::from_str::<T>(&encoded).map_err(|error| bad(error.to_string()))?;
        Ok(FormData(value, from_files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(boundary: &str, parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, data) in parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match filename {
                Some(filename) => out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            out.extend_from_slice(data.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }

    #[test]
    fn the_boundary_comes_from_the_content_type_only_for_multipart() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryX3"),
            Some("----WebKitFormBoundaryX3".to_owned())
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""),
            Some("a b".to_owned())
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "x".repeat(71))),
            None
        );
    }

    #[test]
    fn parts_keep_their_names_files_and_bytes_including_line_breaks() {
        let csv = "id,area\r\n1,North\r\n2,\"South\r\nEast\"\r\n";
        let bytes = body(
            "XyZ",
            &[
                ("csrf_token", None, "abc"),
                ("addresses_file", Some("list.csv"), csv),
                ("seed", None, ""),
            ],
        );
        let parts = parse(&bytes, "XyZ").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            parts[0],
            Part {
                name: "csrf_token".into(),
                filename: None,
                data: b"abc".to_vec()
            }
        );
        assert_eq!(parts[1].filename.as_deref(), Some("list.csv"));
        assert_eq!(parts[1].data, csv.as_bytes());
        assert_eq!(parts[2].data, b"");
        assert_eq!(
            csrf_field(&bytes, "XyZ", "csrf_token"),
            Some("abc".to_owned())
        );
    }

    #[test]
    fn a_file_fills_its_text_field_and_wins_over_the_textarea() {
        let bytes = body(
            "b",
            &[
                ("addresses", None, "pasted"),
                ("addresses_file", Some("a.csv"), "\u{feff}id,area\n"),
                ("csv_file", Some(""), ""),
            ],
        );
        let (pairs, from_files) = fields(parse(&bytes, "b").unwrap()).unwrap();
        assert_eq!(
            pairs,
            vec![("addresses".to_owned(), "id,area\n".to_owned())]
        );
        assert_eq!(from_files, vec!["addresses".to_owned()]);
    }

    #[test]
    fn broken_bodies_are_refused_with_a_reason_never_a_panic() {
        let good = body("b", &[("a", None, "1"), ("f_file", Some("x.csv"), "data")]);
        for cut in 0..good.len() {
            // Every prefix either parses (the closing delimiter is complete) or is refused.
            let _ = parse(&good[..cut], "b");
        }
        assert_eq!(
            parse(
                b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
                "b"
            ),
            Err(UploadError::Malformed("no closing boundary"))
        );
        assert_eq!(
            parse(b"no boundary here", "b"),
            Err(UploadError::Malformed("no boundary"))
        );
        assert_eq!(
            parse(b"--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--", "b"),
            Err(UploadError::Unnamed)
        );
        let latin1 = [
            b"--b\r\nContent-Disposition: form-data; name=\"f_file\"; filename=\"x\"\r\n\r\n"
                .as_slice(),
            &[0xe9, 0x0a],
            b"\r\n--b--",
        ]
        .concat();
        assert_eq!(
            fields(parse(&latin1, "b").unwrap()),
            Err(UploadError::NotText("f_file".to_owned()))
        );
    }

    #[test]
    fn quoted_parameters_may_hold_semicolons_and_escaped_quotes() {
        assert_eq!(
            parameter(
                "form-data; name=\"a;b\"; filename=\"x\\\"y.csv\"",
                "filename"
            ),
            Some("x\"y.csv".to_owned())
        );
        assert_eq!(
            parameter("form-data; name=\"a;b\"; filename=\"x\\\"y.csv\"", "name"),
            Some("a;b".to_owned())
        );
        assert_eq!(
            parameter("form-data; name=plain", "name"),
            Some("plain".to_owned())
        );
        assert_eq!(parameter("form-data; name=\"open", "name"), None);
    }
}
