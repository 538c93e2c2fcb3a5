//! Photos of a community assembly's outcome (issue 16): `POST /assemblies/{id}/community/host/outcomes/{outcome_id}/photos`
//! (a host adds one, as `multipart/form-data`), `POST .../host/photos/{photo_id}/removal` (a host removes one) and
//! `GET /assemblies/{id}/community/photos/{photo_id}` (the image: to anyone once its outcome is accepted, before
//! that only to its host and the assembly's organisers).
//!
//! A photo is accepted by what its bytes are, never by its name or declared type: JPEG, PNG or WebP by their magic
//! bytes and a parse of their container (`img-parts`), at most [`app::community::PHOTO_MAX_BYTES`]. Before it is
//! stored, its metadata is removed: EXIF (camera, time, GPS position), XMP, IPTC and comments in a JPEG; `eXIf`,
//! text and time chunks in a PNG; EXIF and XMP chunks in a WebP. The pixels are not decoded or changed.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};
use img_parts::{DynImage, ImageEXIF};

use super::host::{page_with_error, signed_in_host, to_key_form};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::fill;
use crate::i18n::participation::ParticipationMessages;
use crate::{AppState, now};

/// Why a file is not taken as a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// No file was chosen.
    Missing,
    /// Larger than [`app::community::PHOTO_MAX_BYTES`].
    TooLarge,
    /// Not a JPEG, PNG or WebP by its bytes.
    NotAnImage,
    /// It starts like one but its container does not parse.
    Damaged,
}

/// JPEG markers that carry metadata: APP1 (EXIF and XMP), APP13 (IPTC) and COM (comments).
const JPEG_METADATA: [u8; 3] = [0xE1, 0xED, 0xFE];
/// PNG chunks that carry metadata.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

/// Checks `data` and returns its media type and the image without its metadata.
pub fn clean(data: Bytes) -> Result<(&'static str, Vec<u8>), PhotoRefusal> {
    if data.is_empty() {
        return Err(PhotoRefusal::Missing);
    }
    if data.len() > app::community::PHOTO_MAX_BYTES {
        return Err(PhotoRefusal::TooLarge);
    }
    let image = match DynImage::from_bytes(data) {
        Ok(Some(image)) => image,
        Ok(None) => return Err(PhotoRefusal::NotAnImage),
        Err(_) => return Err(PhotoRefusal::Damaged),
    };
    let (media_type, image) = match image {
        DynImage::Jpeg(mut jpeg) => {
            for marker in JPEG_METADATA {
                jpeg.remove_segments_by_marker(marker);
            }
            ("image/jpeg", DynImage::Jpeg(jpeg))
        }
        DynImage::Png(mut png) => {
            for kind in PNG_METADATA {
                png.remove_chunks_by_type(kind);
            }
            ("image/png", DynImage::Png(png))
        }
        DynImage::WebP(mut webp) => {
            webp.remove_chunks_by_id(img_parts::webp::CHUNK_XMP);
            // Also recomputes the extended header's flags from the chunks left.
            webp.set_exif(None);
            ("image/webp", DynImage::WebP(webp))
        }
    };
    Ok((media_type, image.encoder().bytes().to_vec()))
}

fn refusal_text(pt: &ParticipationMessages, refusal: PhotoRefusal) -> (StatusCode, String) {
    match refusal {
        PhotoRefusal::Missing => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pt.photo_missing.to_owned(),
        ),
        PhotoRefusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, pt.photo_too_large.to_owned()),
        PhotoRefusal::NotAnImage => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            pt.photo_not_image.to_owned(),
        ),
        PhotoRefusal::Damaged => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pt.photo_damaged.to_owned(),
        ),
    }
}

/// The `photo` file of a multipart body (empty when no file was chosen); `None` for a body that is not multipart.
pub struct PhotoUpload(pub Option<Bytes>);

impl<S: Send + Sync> FromRequest<S> for PhotoUpload {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, AppError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let Some(boundary) = crate::upload::boundary(&content_type) else {
            return Ok(PhotoUpload(None));
        };
        // The guard has read and limited the body already; this only takes the bytes it kept.
        let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let parts = crate::upload::parse(bytes, &boundary)
            .await
            .map_err(|error| AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: error.to_string(),
            })?;
        let photo = parts
            .into_iter()
            .find(|part| part.name == "photo" && part.filename.is_some())
            .map(|part| part.data)
            .unwrap_or_default();
        Ok(PhotoUpload(Some(photo)))
    }
}

fn back(assembly_id: i64, notice: &str, outcome_id: Option<i64>) -> Response {
    let anchor = outcome_id
        .map(|id| format!("#outcome-{id}"))
        .unwrap_or_default();
    Redirect::to(&format!(
        "/assemblies/{assembly_id}/community/host?photo={notice}{anchor}"
    ))
    .into_response()
}

/// `POST /assemblies/{assembly_id}/community/host/outcomes/{outcome_id}/photos`: adds a photo to one of this
/// device's host's outcomes.
pub async fn add_photo(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path((assembly_id, outcome_id)): Path<(i64, i64)>,
    PhotoUpload(upload): PhotoUpload,
) -> Result<Response, AppError> {
    let Some(host) = signed_in_host(&state, &headers, assembly_id).await? else {
        return Ok(to_key_form(assembly_id));
    };
    let pt = viewer.lang.t::<ParticipationMessages>();
    let Some(upload) = upload else {
        let (_, text) = refusal_text(pt, PhotoRefusal::NotAnImage);
        return page_with_error(
            &state,
            &viewer,
            host,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            text,
        )
        .await;
    };
    let (media_type, data) = match clean(upload) {
        Ok(clean) => clean,
        Err(refusal) => {
            let (status, text) = refusal_text(pt, refusal);
            return page_with_error(&state, &viewer, host, status, text).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let added = app::community::add_photo(
        &mut tx,
        &viewer.actor(),
        &host,
        outcome_id,
        media_type,
        &data,
        now(),
    )
    .await?;
    tx.commit().await?;
    match added {
        Some(_) => Ok(back(assembly_id, "added", Some(outcome_id))),
        None => {
            let max = store::community_photos::MAX_PER_OUTCOME.to_string();
            let text = fill(pt.photo_limit, &[("max", &max)]);
            page_with_error(&state, &viewer, host, StatusCode::CONFLICT, text).await
        }
    }
}

/// `POST /assemblies/{assembly_id}/community/host/photos/{photo_id}/removal`: removes one of this device's host's
/// photos.
pub async fn remove_photo(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path((assembly_id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let Some(host) = signed_in_host(&state, &headers, assembly_id).await? else {
        return Ok(to_key_form(assembly_id));
    };
    let mut tx = state.store.begin().await?;
    app::community::remove_photo(&mut tx, &viewer.actor(), &host, photo_id, now()).await?;
    tx.commit().await?;
    state.store.forget().await?;
    Ok(back(assembly_id, "removed", None))
}

/// `GET /assemblies/{assembly_id}/community/photos/{photo_id}`: the image, if this visitor may see it (404
/// otherwise, so a pending photo's existence is not told).
pub async fn photo(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path((assembly_id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let public =
        store::community_photos::public_photo(&mut connection, assembly_id, photo_id).await?;
    drop(connection);
    let (found, cache) = match public {
        Some(found) => (Some(found), "public, no-cache"),
        None => {
            let mut found = None;
            if allowed(viewer.role, Action::ManageCommunity) {
                let mut connection = state.store.connection().await?;
                found = store::community_photos::any_photo(&mut connection, assembly_id, photo_id)
                    .await?;
            } else if let Some(host) = signed_in_host(&state, &headers, assembly_id).await? {
                let mut connection = state.store.connection().await?;
                found = store::community_photos::host_photo(
                    &mut connection,
                    assembly_id,
                    host.id,
                    photo_id,
                )
                .await?;
            }
            (found, "private, no-store")
        }
    };
    let Some(found) = found else {
        return Err(AppError::NotFound);
    };
    let mut response = found.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&found.media_type).map_err(AppError::internal)?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 JPEG with an EXIF segment carrying a GPS-like marker text and a comment.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        // APP0 JFIF.
        out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        out.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // APP1 Exif with a recognisable payload.
        let exif = b"Exif\0\0GPS-48.8584N-2.2945E";
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(exif);
        // COM.
        let comment = b"taken at home";
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(comment);
        // A minimal SOS with one byte of scan data, then EOI.
        out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        out.extend_from_slice(&[0x00, 0xFF, 0xD9]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    #[test]
    fn a_jpeg_loses_its_exif_and_comment_and_keeps_its_image() {
        let original = jpeg_with_exif();
        assert!(contains(&original, b"GPS-48.8584N"));
        let (media_type, cleaned) = clean(Bytes::from(original)).unwrap();
        assert_eq!(media_type, "image/jpeg");
        assert!(!contains(&cleaned, b"GPS-48.8584N"), "EXIF removed");
        assert!(!contains(&cleaned, b"taken at home"), "comment removed");
        assert!(contains(&cleaned, b"JFIF"), "JFIF kept");
        assert_eq!(&cleaned[..2], &[0xFF, 0xD8]);
        assert_eq!(&cleaned[cleaned.len() - 2..], &[0xFF, 0xD9]);
    }

    #[test]
    fn files_are_judged_by_their_bytes_and_size() {
        assert_eq!(clean(Bytes::new()), Err(PhotoRefusal::Missing));
        assert_eq!(
            clean(Bytes::from_static(b"GIF89a not accepted")),
            Err(PhotoRefusal::NotAnImage)
        );
        assert_eq!(
            clean(Bytes::from_static(
                b"<svg xmlns='http://www.w3.org/2000/svg'/>"
            )),
            Err(PhotoRefusal::NotAnImage)
        );
        // PNG's signature followed by nothing that parses.
        assert_eq!(
            clean(Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR")),
            Err(PhotoRefusal::Damaged)
        );
        let mut huge = jpeg_with_exif();
        huge.resize(app::community::PHOTO_MAX_BYTES + 1, 0);
        assert_eq!(clean(Bytes::from(huge)), Err(PhotoRefusal::TooLarge));
    }
}
