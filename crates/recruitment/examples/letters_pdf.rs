//! Benchmark of the print-ready letters (issue 18, item 6): a synthetic list of addresses, a draw of one
//! invitation per address, and every letter rendered into PDF files of a batch size (one letter a page, with its
//! QR code), as the web app's print job does file by file.
//!
//! `cargo run --release -p recruitment --example letters_pdf [LETTERS] [PER_FILE] [PAPER] [OUT_DIR]`
//! (defaults: 30000, 500, a4, no files written) prints the time of each step, the files' total size and the peak
//! resident memory; with OUT_DIR it writes the files there (`letters-001.pdf`, ...) to look at.

use std::time::Instant;

use recruitment::addresses::{AddressColumns, AddressConfig, Duplicates, parse_addresses};
use recruitment::draw::{DrawConfig, draw};
use recruitment::merge::registration_url;
use recruitment::print::{Letter, Paper, Wording, render};

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let letters: usize = arguments
        .first()
        .map_or(30_000, |raw| raw.parse().expect("a whole number"));
    let per_file: usize = arguments
        .get(1)
        .map_or(500, |raw| raw.parse().expect("a whole number"))
        .max(1);
    let paper = arguments
        .get(2)
        .map_or(Paper::A4, |raw| Paper::parse(raw).expect("a4 or us-letter"));
    let out = arguments.get(3).map(std::path::PathBuf::from);

    let started = Instant::now();
    let text = recruitment::synthetic::address_csv(letters, 12, "letters bench");
    let config = AddressConfig {
        file: "addresses.csv".to_string(),
        columns: AddressColumns {
            id: Some("id".to_string()),
            address: vec![
                "street".to_string(),
                "town".to_string(),
                "postcode".to_string(),
            ],
            area: "area".to_string(),
        },
        duplicates: Duplicates::Reject,
    };
    let list = parse_addresses(text.as_bytes(), &config).expect("the synthetic list parses");
    let drawn = draw(
        &list,
        &DrawConfig {
            seed: "letters bench".to_string(),
            invitations: letters,
            weights: Vec::new(),
        },
    )
    .expect("the draw succeeds");
    let base = "https://assemblee.example.fr/assemblies/7";
    let all: Vec<Letter> = drawn
        .invitations()
        .iter()
        .map(|invitation| Letter {
            address: list.addresses()[invitation.address].fields().join("\n"),
            code: invitation.code.to_string(),
            register_url: format!("{base}/register"),
            code_url: registration_url(base, &invitation.code).expect("a link"),
        })
        .collect();
    let prepared = started.elapsed();
    let wording = Wording {
        title: "Assemblée citoyenne sur le climat".to_string(),
        question: "Comment réduire nos émissions de gaz à effet de serre d'au moins 40 % d'ici 2030, dans un esprit de justice sociale ?".to_string(),
        greeting: "Madame, Monsieur,".to_string(),
        body: "Votre foyer a été tiré au sort parmi tous les foyers pour être invité à une assemblée citoyenne :".to_string(),
        how: "Pour vous porter candidat·e, inscrivez-vous sur la page web ci-dessous (ou scannez le code QR) avec votre code d'invitation.".to_string(),
        code_label: "Votre code d'invitation".to_string(),
        url_label: "Inscription sur".to_string(),
    };
    if let Some(out) = &out {
        std::fs::create_dir_all(out).expect("the output folder");
    }
    let started = Instant::now();
    let (mut files, mut bytes, mut largest, mut replaced) = (0, 0, 0, 0);
    for (index, chunk) in all.chunks(per_file).enumerate() {
        let codes: Vec<_> = chunk
            .iter()
            .map(|letter| recruitment::qr::encode(&letter.code_url).expect("fits"))
            .collect();
        let batch = render(paper, &wording, chunk, &codes);
        files += 1;
        bytes += batch.bytes.len();
        largest = largest.max(batch.bytes.len());
        replaced += batch.replaced;
        if let Some(out) = &out {
            std::fs::write(
                out.join(format!("letters-{:03}.pdf", index + 1)),
                &batch.bytes,
            )
            .expect("writes the file");
        }
    }
    let rendered = started.elapsed();
    println!(
        "{letters} letters on {} in files of {per_file}: {files} files, {:.1} MB in all, largest {:.2} MB, {replaced} characters replaced",
        paper.as_str(),
        bytes as f64 / 1e6,
        largest as f64 / 1e6
    );
    println!("addresses, draw and links {:8.2} s", prepared.as_secs_f64());
    println!(
        "QR codes and PDF files    {:8.2} s ({:.2} ms a letter)",
        rendered.as_secs_f64(),
        rendered.as_secs_f64() * 1000.0 / letters.max(1) as f64
    );
    println!("peak resident memory      {}", peak_memory());
}
