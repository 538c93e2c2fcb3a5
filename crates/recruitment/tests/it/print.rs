//! The print-ready letters (issue 18, item 6): the PDF a print shop gets is read back with an independent PDF
//! reader (`lopdf`), its text must show each letter's address, code and registration address, and its QR code,
//! rasterised from the rectangles drawn on the page, must decode (with the independent reader of `qr_reader`) to
//! the letter's registration link.

use lopdf::Document;
use lopdf::content::Content;
use recruitment::print::{Letter, Paper, Wording, render, win_ansi};
use recruitment::qr;

use crate::qr_reader;

fn wording() -> Wording {
    Wording {
        title: "Assemblée citoyenne sur le climat".to_owned(),
        question: "Comment réduire nos émissions d'ici 2030 ?".to_owned(),
        greeting: "Madame, Monsieur,".to_owned(),
        body: "Votre foyer a été tiré au sort parmi tous les foyers pour être invité à une assemblée citoyenne :"
            .to_owned(),
        how: "Pour vous porter candidat·e, inscrivez-vous sur la page web ci-dessous (ou scannez le code QR) avec votre code d'invitation."
            .to_owned(),
        code_label: "Votre code d'invitation".to_owned(),
        url_label: "Inscription sur".to_owned(),
    }
}

fn letters() -> Vec<Letter> {
    let base = "https://assemblee.example.fr/assemblies/7";
    [
        ("Famille Lefèvre\n12 rue de l'Église\n42000 Saint-Étienne", "K7QM-3XPD-9A"),
        ("Zoë Œuvray\n3 chemin des Prés\n69000 Lyon", "H2WN-8RTB-4C"),
        ("Jan Łukasiewicz\n1 Quay Street\nSouthport", "M4PF-6KZS-2E"),
        ("Résidence des Tilleuls, bâtiment B, 14 avenue du Maréchal-de-Lattre-de-Tassigny, 69100 Villeurbanne", "T9GV-5NXH-7Q"),
    ]
    .into_iter()
    .map(|(address, code)| Letter {
        address: address.to_owned(),
        code: code.to_owned(),
        register_url: format!("{base}/register"),
        code_url: format!("{base}/r/{}", code.replace('-', "")),
    })
    .collect()
}

fn batch(paper: Paper) -> (Vec<Letter>, Vec<u8>, usize) {
    let letters = letters();
    let codes: Vec<_> = letters
        .iter()
        .map(|letter| qr::encode(&letter.code_url).expect("a link fits a QR code"))
        .collect();
    let batch = render(paper, &wording(), &letters, &codes);
    (letters, batch.bytes, batch.replaced)
}

/// The dark modules of the QR code drawn on a page: the filled rectangles between the page's `q` and `Q`,
/// rasterised on their module grid, then read by the independent reader.
fn read_qr(document: &Document, page_id: lopdf::ObjectId) -> qr_reader::Decoded {
    let content =
        Content::decode(&document.get_page_content(page_id)).expect("the page content parses");
    let mut inside = false;
    let mut rectangles = Vec::new();
    for operation in &content.operations {
        match operation.operator.as_str() {
            "q" => inside = true,
            "Q" => inside = false,
            "re" if inside => {
                let numbers: Vec<f32> = operation
                    .operands
                    .iter()
                    .map(|operand| operand.as_float().expect("a number"))
                    .collect();
                rectangles.push((numbers[0], numbers[1], numbers[2], numbers[3]));
            }
            _ => {}
        }
    }
    assert!(!rectangles.is_empty(), "the page draws a QR code");
    let module = rectangles.iter().map(|r| r.3).fold(f32::MAX, f32::min);
    let left = rectangles.iter().map(|r| r.0).fold(f32::MAX, f32::min);
    let top = rectangles
        .iter()
        .map(|r| r.1 + r.3)
        .fold(f32::MIN, f32::max);
    let right = rectangles
        .iter()
        .map(|r| r.0 + r.2)
        .fold(f32::MIN, f32::max);
    let size = ((right - left) / module).round() as usize;
    let mut dark = vec![false; size * size];
    for (x, y, width, height) in rectangles {
        assert!(
            (height - module).abs() < 0.01,
            "every run is one module high"
        );
        let row = ((top - (y + height)) / module).round() as usize;
        let first = ((x - left) / module).round() as usize;
        let count = (width / module).round() as usize;
        for column in first..first + count {
            dark[row * size + column] = true;
        }
    }
    qr_reader::read(size, |i, j| dark[i * size + j]).expect("the printed QR code reads")
}

#[test]
fn each_page_shows_the_address_code_and_link_of_its_letter_and_a_qr_code_of_the_link() {
    for paper in Paper::ALL {
        let (letters, bytes, replaced) = batch(paper);
        assert!(bytes.starts_with(b"%PDF-"));
        let document = Document::load_mem(&bytes).expect("an independent reader opens the file");
        let pages = document.get_pages();
        assert_eq!(pages.len(), letters.len(), "one page a letter");
        for (number, letter) in (1u32..).zip(&letters) {
            let text = document.extract_text(&[number]).expect("the text extracts");
            // An address of one long line is cut after its commas, then between words, to fit the window.
            let joined = text.replace('\n', " ");
            for line in letter
                .address
                .lines()
                .flat_map(|line| line.split(", "))
                .filter(|line| !line.contains('Ł'))
            {
                assert!(
                    joined.contains(line),
                    "page {number} shows {line:?}:\n{text}"
                );
            }
            assert!(
                text.contains(&letter.code),
                "page {number} shows the code:\n{text}"
            );
            assert!(
                text.contains(&letter.register_url),
                "page {number} shows the address:\n{text}"
            );
            assert!(text.contains("Assemblée citoyenne sur le climat"), "{text}");
            assert!(text.contains("candidat·e"), "{text}");
            let decoded = read_qr(&document, pages[&number]);
            assert_eq!(
                String::from_utf8(decoded.bytes).unwrap(),
                letter.code_url,
                "page {number}'s QR code carries its link"
            );
        }
        // "Ł" is not in the standard fonts' encoding: it prints as "?" and is counted, never dropped silently.
        let third = document.extract_text(&[3]).unwrap();
        assert!(third.contains("Jan ?ukasiewicz"), "{third}");
        assert_eq!(replaced, 1);
        // The page is the paper asked for.
        let page = document.get_object(pages[&1]).unwrap().as_dict().unwrap();
        let media_box: Vec<f32> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|value| value.as_float().unwrap())
            .collect();
        let (width, height) = paper.size();
        assert_eq!(media_box, vec![0.0, 0.0, width, height]);
    }
    assert_eq!(Paper::UsLetter.size(), (612.0, 792.0));
    assert!((Paper::A4.size().0 - 595.28).abs() < 0.01);
}

#[test]
fn the_same_letters_give_the_same_file() {
    assert_eq!(batch(Paper::A4).1, batch(Paper::A4).1);
    assert_ne!(batch(Paper::A4).1, batch(Paper::UsLetter).1);
}

#[test]
fn the_standard_fonts_encoding_keeps_western_european_letters_and_counts_the_rest() {
    assert_eq!(
        win_ansi("Élise Œ €"),
        (
            vec![0xC9, b'l', b'i', b's', b'e', b' ', 0x8C, b' ', 0x80],
            0
        )
    );
    assert_eq!(win_ansi("Łódź"), (vec![b'?', 0xF3, b'd', b'?'], 2));
    assert_eq!(win_ansi("a\tb").1, 1, "a control character is not printed");
}
