//! Print-ready invitation letters: one PDF file per batch, one letter a page, with the household's address placed
//! for a window envelope, the registration address, the invitation code and its QR code.
//!
//! The file is written with `pdf-writer` (typst's low-level PDF writer: no dependencies of note, no unsafe code,
//! and it writes exactly the objects we ask for, so a 500-page batch is a few hundred kilobytes).
//! The text is set in the PDF's standard fonts (Helvetica, bold and oblique) with the `WinAnsiEncoding`, which
//! every PDF reader and print workflow has and which covers French, German, Spanish, Italian, Dutch and the other
//! Western European languages (é, è, ç, à, ô, ü, ß, œ, €); a character outside it prints as `?` and is counted
//! ([`Batch::replaced`]) so the caller can warn, never silently.
//! Page contents are compressed with `miniz_oxide` (Flate), so the QR codes' rectangles cost little.
//!
//! The address block follows the window of the usual envelope for each paper: DIN 5008 form B (an A4 folded
//! in three in a DL envelope with its window on the left: 20 mm from the left edge, 45 mm from the top) and a US
//! #10 window envelope for US letter (7/8 inch from the left, 2 inches from the top).
//! Nothing here reads a clock or a file: the same letters give the same bytes.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use crate::qr::QrCode;

/// The paper size of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4 (210 × 297 mm), for a DL window envelope.
    A4,
    /// US letter (8.5 × 11 in), for a #10 window envelope.
    UsLetter,
}

impl Paper {
    /// Every paper size, in the order of the form.
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::UsLetter];

    /// The stored and submitted name (`a4`, `us-letter`).
    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }

    /// Parses [`Paper::as_str`].
    pub fn parse(raw: &str) -> Option<Paper> {
        Paper::ALL.into_iter().find(|paper| paper.as_str() == raw)
    }

    /// Width and height in points (1/72 inch).
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (mm(210.0), mm(297.0)),
            Paper::UsLetter => (612.0, 792.0),
        }
    }

    /// The top-left corner of the envelope window's address block, from the page's left and top edges, in points.
    fn window(self) -> (f32, f32) {
        match self {
            // DIN 5008 form B: the address field starts 45 mm from the top; its first 17.7 mm are the return
            // zone, and we keep 5 mm inside the window on the left.
            Paper::A4 => (mm(25.0), mm(45.0) + mm(17.7)),
            // #10 window envelope: the window starts 7/8 in from the left and about 2 in from the top of the
            // letter folded in three; 1/8 in of room on each side.
            Paper::UsLetter => (72.0 * 1.0, 72.0 * 2.125),
        }
    }

    /// Where the body starts below the top edge: under the first fold (a third of the page).
    fn body_top(self) -> f32 {
        self.size().1 / 3.0 + 18.0
    }
}

/// The words of a letter in the language of the batch (from the web app's message catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// The assembly's title, printed at the top.
    pub title: String,
    /// The assembly's question, quoted in the body.
    pub question: String,
    /// "Dear resident,".
    pub greeting: String,
    /// The paragraph before the title ("Your household has been drawn at random ...").
    pub body: String,
    /// How to register ("register on the web page below (or scan the QR code) with your invitation code").
    pub how: String,
    /// The label of the code ("Your invitation code").
    pub code_label: String,
    /// The label of the registration address ("Register at").
    pub url_label: String,
}

/// One letter: the household's address, its code and the registration links.
#[derive(Clone, PartialEq, Eq)]
pub struct Letter {
    /// The address, one line per line (personal data).
    pub address: String,
    /// The invitation code as printed (`K7QM-3XPD-9A`).
    pub code: String,
    /// The registration page where the code is typed (`https://host/assemblies/7/register`).
    pub register_url: String,
    /// The registration link with the code, which the QR code carries.
    pub code_url: String,
}

impl std::fmt::Debug for Letter {
    // The address and the code are personal or secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter").finish_non_exhaustive()
    }
}

/// A finished batch file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// How many characters could not be set in the standard fonts and print as `?`.
    pub replaced: usize,
}

/// Millimetres to points.
fn mm(millimetres: f32) -> f32 {
    millimetres * 72.0 / 25.4
}

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const OBLIQUE: Name<'static> = Name(b"F3");

/// The side of the printed QR code: 32 mm, about 1 mm a module for the usual version 4 or 5, which any phone reads.
const QR_SIDE_MM: f32 = 32.0;

/// Writes one PDF file with one page per letter (`qr_codes[i]` is the QR code of `letters[i].code_url`, made by
/// the caller with [`crate::qr::encode`] so that it is checked once).
///
/// # Panics
/// Never: the two slices are zipped, and a missing QR code leaves its letter without one.
pub fn render(paper: Paper, wording: &Wording, letters: &[Letter], qr_codes: &[QrCode]) -> Batch {
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let font_ids = [Ref::new(4), Ref::new(5), Ref::new(6)];
    let first_page = 7;
    let page_ids: Vec<Ref> = (0..letters.len())
        .map(|index| Ref::new(first_page + 2 * index as i32))
        .collect();
    let (width, height) = paper.size();
    let mut pdf = Pdf::new();
    let mut replaced = 0;
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(letters.len() as i32);
    let (title, lost) = win_ansi(&wording.title);
    replaced += lost;
    pdf.document_info(info_id)
        .title(pdf_writer::TextStr(&String::from_utf8_lossy(&title)))
        .producer(pdf_writer::TextStr("Kleroterion"));
    for (font_id, base) in
        font_ids
            .iter()
            .zip([&b"Helvetica"[..], b"Helvetica-Bold", b"Helvetica-Oblique"])
    {
        pdf.type1_font(*font_id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (index, letter) in letters.iter().enumerate() {
        let page_id = page_ids[index];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, width, height))
            .contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, font_ids[0]);
        fonts.pair(BOLD, font_ids[1]);
        fonts.pair(OBLIQUE, font_ids[2]);
        fonts.finish();
        resources.finish();
        page.finish();
        let (content, lost) = page_content(paper, wording, letter, qr_codes.get(index));
        replaced += lost;
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 6);
        pdf.stream(content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    Batch {
        bytes: pdf.finish(),
        replaced,
    }
}

/// A page's drawing operators (uncompressed) and the count of characters replaced by `?`.
fn page_content(
    paper: Paper,
    wording: &Wording,
    letter: &Letter,
    qr: Option<&QrCode>,
) -> (Vec<u8>, usize) {
    let (width, height) = paper.size();
    let margin = mm(20.0);
    let text_width = width - 2.0 * margin;
    let mut page = Page {
        content: Content::new(),
        replaced: 0,
    };
    // The title, at the top.
    let mut y = height - margin - 14.0;
    for line in wrap(&wording.title, text_width, 14.0) {
        page.line(BOLD, 14.0, margin, y, &line);
        y -= 17.0;
    }
    // The address, in the envelope's window.
    let (window_left, window_top) = paper.window();
    let mut y = height - window_top - 11.0;
    for line in address_block(&letter.address) {
        page.line(REGULAR, 11.0, window_left, y, &line);
        y -= 13.5;
    }
    // The body, under the first fold.
    let mut y = height - paper.body_top();
    page.line(REGULAR, 11.0, margin, y, &wording.greeting);
    y -= 22.0;
    for line in wrap(
        &format!("{} {}", wording.body, wording.title),
        text_width,
        11.0,
    ) {
        page.line(REGULAR, 11.0, margin, y, &line);
        y -= 14.0;
    }
    y -= 8.0;
    for line in wrap(&wording.question, text_width - 24.0, 11.0) {
        page.line(OBLIQUE, 11.0, margin + 24.0, y, &line);
        y -= 14.0;
    }
    y -= 8.0;
    for line in wrap(&wording.how, text_width, 11.0) {
        page.line(REGULAR, 11.0, margin, y, &line);
        y -= 14.0;
    }
    // The code box: the code and the address on the left, the QR code on the right, kept above the bottom margin.
    let qr_side = mm(QR_SIDE_MM);
    let box_top = (y - 16.0).max(margin + qr_side + 24.0);
    let left_width = text_width - qr_side - 18.0;
    let mut y = box_top - 12.0;
    page.line(
        REGULAR,
        11.0,
        margin,
        y,
        &format!("{}:", wording.code_label),
    );
    y -= 26.0;
    page.line(BOLD, 22.0, margin, y, &letter.code);
    y -= 26.0;
    page.line(REGULAR, 11.0, margin, y, &format!("{}:", wording.url_label));
    y -= 15.0;
    for line in wrap_anywhere(&letter.register_url, left_width, 12.0) {
        page.line(BOLD, 12.0, margin, y, &line);
        y -= 15.0;
    }
    y -= 4.0;
    for line in wrap_anywhere(&letter.code_url, left_width, 8.0) {
        page.line(REGULAR, 8.0, margin, y, &line);
        y -= 10.0;
    }
    if let Some(qr) = qr {
        draw_qr(
            &mut page.content,
            qr,
            width - margin - qr_side,
            box_top - qr_side,
            qr_side,
        );
    }
    (page.content.finish().into_vec(), page.replaced)
}

/// The width of the envelope's window left for the address: 85 mm less 5 mm of room on each side.
const WINDOW_WIDTH_MM: f32 = 75.0;

/// The address as lines that fit the envelope's window: its own lines, and a line too long for the window cut
/// after its commas (`12 rue de l'Église, 42000 Saint-Étienne` is an address of one CSV cell), then between words.
fn address_block(address: &str) -> Vec<String> {
    let width = mm(WINDOW_WIDTH_MM);
    let limit = characters_per_line(width, 11.0);
    let mut lines = Vec::new();
    for line in address
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        if line.chars().count() <= limit {
            lines.push(line.to_owned());
            continue;
        }
        let parts: Vec<&str> = line
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        for (index, part) in parts.iter().enumerate() {
            let comma = if index + 1 < parts.len() { "," } else { "" };
            lines.extend(wrap(&format!("{part}{comma}"), width, 11.0));
        }
    }
    lines
}

/// A page being drawn.
struct Page {
    content: Content,
    replaced: usize,
}

impl Page {
    /// One line of text with its baseline at (`x`, `y`).
    fn line(&mut self, font: Name, size: f32, x: f32, y: f32, text: &str) {
        let (bytes, lost) = win_ansi(text);
        self.replaced += lost;
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }
}

/// Draws `qr` as a `side`-point square (its quiet zone of four modules inside it) with its lower-left corner at
/// (`x`, `y`): one filled rectangle per horizontal run of dark modules.
fn draw_qr(content: &mut Content, qr: &QrCode, x: f32, y: f32, side: f32) {
    let size = qr.size();
    let module = side / (size + 8) as f32;
    let left = x + 4.0 * module;
    let top = y + side - 4.0 * module;
    content.save_state().set_fill_gray(0.0);
    for row in 0..size {
        let mut column = 0;
        while column < size {
            if !qr.is_dark(column, row) {
                column += 1;
                continue;
            }
            let start = column;
            while column < size && qr.is_dark(column, row) {
                column += 1;
            }
            content.rect(
                left + start as f32 * module,
                top - (row + 1) as f32 * module,
                (column - start) as f32 * module,
                module,
            );
        }
    }
    content.fill_nonzero().restore_state();
}

/// An upper bound of Helvetica's average advance for text, as a share of the size: words are wrapped as if every
/// character were this wide, so a line never runs past the margin (the standard fonts' exact widths are the
/// reader's, not ours).
const AVERAGE_ADVANCE: f32 = 0.56;

/// The most characters of a line `width` points wide at `size` points.
fn characters_per_line(width: f32, size: f32) -> usize {
    ((width / (size * AVERAGE_ADVANCE)) as usize).max(8)
}

/// Wraps prose at spaces into lines of at most [`characters_per_line`] (a longer word gets a line of its own).
fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let limit = characters_per_line(width, size);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts a link into lines of at most [`characters_per_line`] characters wherever it must (links have no spaces).
fn wrap_anywhere(text: &str, width: f32, size: f32) -> Vec<String> {
    let limit = characters_per_line(width, size);
    let characters: Vec<char> = text.chars().collect();
    characters
        .chunks(limit)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

/// The `WinAnsiEncoding` bytes of `text` (Windows-1252: Latin-1 plus the typographic characters of 0x80–0x9F),
/// and how many characters had no byte and became `?`.
pub fn win_ansi(text: &str) -> (Vec<u8>, usize) {
    let mut replaced = 0;
    let bytes = text
        .chars()
        .map(|character| {
            win_ansi_byte(character).unwrap_or_else(|| {
                replaced += 1;
                b'?'
            })
        })
        .collect();
    (bytes, replaced)
}

/// One character's byte in Windows-1252, if it has one.
fn win_ansi_byte(character: char) -> Option<u8> {
    let code = character as u32;
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(code as u8),
        _ => HIGH
            .iter()
            .position(|&high| high == character)
            .map(|index| 0x80 + index as u8)
            .filter(|_| character != '\0'),
    }
}

/// Windows-1252's characters from 0x80 to 0x9F (`\0` where the code page has none).
const HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];
