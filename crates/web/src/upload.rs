//! File uploads from plain HTML forms, without JavaScript: our rules around `multer`, which parses the
//! `multipart/form-data` body (RFC 7578).
//!
//! A form with `enctype="multipart/form-data"` sends its fields as parts of one body. The guard has already read
//! the whole body into memory under the route's upload limit (`RouteSpec::upload` in `guard.rs`) and checked
//! its CSRF token with [`csrf_field`]; [`FormData`] then turns the parts into the same struct a urlencoded form
//! gives, so one handler takes either a pasted textarea or a chosen file. `multer` only ever reads those bytes,
//! so what an anonymous visitor can make the server buffer stays under the guard's limits.
//!
//! The convention: a file input named `X_file` fills the text field `X` (the textarea beside it), and wins over
//! it when both are given. A file must be UTF-8 text; the error names the field.

use axum::body::{Body, Bytes};
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
    pub data: Bytes,
}

/// Why a multipart body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The body is not a complete multipart body (no closing boundary, a part without headers...).
    #[error("the upload is incomplete or malformed")]
    Malformed,
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
    // RFC 2046: 1 to 70 characters.
    multer::parse_boundary(content_type)
        .ok()
        .filter(|boundary| (1..=70).contains(&boundary.len()))
}

/// A parser of `body`, a multipart body already in memory.
fn multipart(body: Bytes, boundary: &str) -> multer::Multipart<'static> {
    multer::Multipart::new(Body::from(body).into_data_stream(), boundary)
}

/// Splits a `multipart/form-data` body into its parts.
pub async fn parse(body: Bytes, boundary: &str) -> Result<Vec<Part>, UploadError> {
    let mut multipart = multipart(body, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| UploadError::Malformed)?
    {
        if parts.len() == MAX_PARTS {
            return Err(UploadError::TooManyParts);
        }
        let name = field
            .name()
            .filter(|name| !name.is_empty())
            .ok_or(UploadError::Unnamed)?
            .to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(|_| UploadError::Malformed)?;
        parts.push(Part {
            name,
            filename,
            data,
        });
    }
    Ok(parts)
}

/// The CSRF token of a multipart body (the text field `field`), for the guard.
pub async fn csrf_field(body: Bytes, boundary: &str, field: &str) -> Option<String> {
    let mut multipart = multipart(body, boundary);
    while let Some(part) = multipart.next_field().await.ok()? {
        if part.name() == Some(field) && part.file_name().is_none() {
            return String::from_utf8(part.bytes().await.ok()?.to_vec()).ok();
        }
    }
    None
}

/// A form's fields as name/value pairs, files folded into their text fields (see the module's text).
#[derive(Debug, PartialEq, Eq)]
pub struct Fields {
    /// The fields, as a urlencoded form would give them.
    pub pairs: Vec<(String, String)>,
    /// The names of the fields that came from a file.
    pub from_files: Vec<String>,
}

/// Folds the parts into [`Fields`].
pub fn fields(parts: Vec<Part>) -> Result<Fields, UploadError> {
    let text = |part: &Part| {
        String::from_utf8(part.data.to_vec()).map_err(|_| UploadError::NotText(part.name.clone()))
    };
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
                let text = text(&part)?;
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
                let text = text(&part)?;
                pairs.push((part.name, text));
            }
        }
    }
    for (target, text) in files {
        pairs.retain(|(name, _)| *name != target);
        pairs.push((target.clone(), text));
        from_files.push(target);
    }
    Ok(Fields { pairs, from_files })
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
        let parts = parse(bytes, &boundary)
            .await
            .map_err(|error| bad(error.to_string()))?;
        let Fields { pairs, from_files } = fields(parts).map_err(|error| bad(error.to_string()))?;
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

    #[tokio::test]
    async fn parts_keep_their_names_files_and_bytes_including_line_breaks() {
        let csv = "id,area\r\n1,North\r\n2,\"South\r\nEast\"\r\n";
        let bytes = Bytes::from(body(
            "XyZ",
            &[
                ("csrf_token", None, "abc"),
                ("addresses_file", Some("list.csv"), csv),
                ("seed", None, ""),
            ],
        ));
        let parts = parse(bytes.clone(), "XyZ").await.unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            parts[0],
            Part {
                name: "csrf_token".into(),
                filename: None,
                data: Bytes::from_static(b"abc")
            }
        );
        assert_eq!(parts[1].filename.as_deref(), Some("list.csv"));
        assert_eq!(parts[1].data, csv.as_bytes());
        assert_eq!(parts[2].data, b"".as_slice());
        assert_eq!(
            csrf_field(bytes, "XyZ", "csrf_token").await,
            Some("abc".to_owned())
        );
    }

    #[tokio::test]
    async fn a_file_fills_its_text_field_and_wins_over_the_textarea() {
        let bytes = body(
            "b",
            &[
                ("addresses", None, "pasted"),
                ("addresses_file", Some("a.csv"), "\u{feff}id,area\n"),
                ("csv_file", Some(""), ""),
            ],
        );
        let folded = fields(parse(bytes.into(), "b").await.unwrap()).unwrap();
        assert_eq!(
            folded,
            Fields {
                pairs: vec![("addresses".to_owned(), "id,area\n".to_owned())],
                from_files: vec!["addresses".to_owned()],
            }
        );
    }

    #[tokio::test]
    async fn broken_bodies_are_refused_with_a_reason_never_a_panic() {
        let good = body("b", &[("a", None, "1"), ("f_file", Some("x.csv"), "data")]);
        for cut in 0..good.len() {
            // Every prefix either parses (the closing delimiter is complete) or is refused.
            let _ = parse(Bytes::copy_from_slice(&good[..cut]), "b").await;
        }
        let refused = |body: &'static [u8]| parse(Bytes::from_static(body), "b");
        assert_eq!(
            refused(b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1").await,
            Err(UploadError::Malformed)
        );
        assert_eq!(
            refused(b"no boundary here").await,
            Err(UploadError::Malformed)
        );
        assert_eq!(
            refused(b"--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--").await,
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
            fields(parse(latin1.into(), "b").await.unwrap()),
            Err(UploadError::NotText("f_file".to_owned()))
        );
        let many: Vec<(String, Option<&str>, &str)> = (0..=MAX_PARTS)
            .map(|i| (format!("f{i}"), None, "x"))
            .collect();
        let many: Vec<(&str, Option<&str>, &str)> =
            many.iter().map(|(n, f, d)| (n.as_str(), *f, *d)).collect();
        assert_eq!(
            parse(body("b", &many).into(), "b").await,
            Err(UploadError::TooManyParts)
        );
    }

    #[tokio::test]
    async fn quoted_names_may_hold_semicolons() {
        let bytes = b"--b\r\nContent-Disposition: form-data; name=\"a;b\"; filename=\"x;y.csv\"\r\n\r\n1\r\n--b--\r\n";
        let parts = parse(Bytes::from_static(bytes), "b").await.unwrap();
        assert_eq!(
            (parts[0].name.as_str(), parts[0].filename.as_deref()),
            ("a;b", Some("x;y.csv"))
        );
    }
}
