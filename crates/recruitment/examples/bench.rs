//! Benchmark of the invitation lottery: parse a synthetic list of 100,000 addresses, draw 10,000
//! invitations (with one weighted area), write the mail-merge CSV and render a QR code per letter.
//!
//! `cargo run --release -p recruitment --example bench [ADDRESSES] [INVITATIONS] [AREAS] [REPEATS]`
//! prints the median time of each step over the repeats and the peak resident memory.

use recruitment::addresses::{AddressColumns, AddressConfig, Duplicates, parse_addresses};
use recruitment::draw::{DrawConfig, Weight, draw};
use std::time::{Duration, Instant};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

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
    let arguments: Vec<usize> = std::env::args()
        .skip(1)
        .map(|argument| argument.parse().expect("a whole number"))
        .collect();
    let addresses = arguments.first().copied().unwrap_or(100_000);
    let invitations = arguments.get(1).copied().unwrap_or(10_000);
    let areas = arguments.get(2).copied().unwrap_or(40);
    let repeats = arguments.get(3).copied().unwrap_or(5).max(1);

    let text = recruitment::synthetic::address_csv(addresses, areas, "bench");
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
    let (mut parse_times, mut draw_times, mut merge_times) = (Vec::new(), Vec::new(), Vec::new());
    let (mut qr_times, mut svg_times) = (Vec::new(), Vec::new());
    let mut merge_bytes = 0;
    let mut svg_bytes = 0;
    let mut version = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        let list = parse_addresses(text.as_bytes(), &config).expect("the synthetic list parses");
        parse_times.push(start.elapsed());

        // The first area (usually the smallest) is over-sampled with weight 1.5.
        let draw_config = DrawConfig {
            seed: "bench seed".to_string(),
            invitations,
            weights: vec![(
                list.areas()[0].clone(),
                Weight::parse("1.5").expect("a weight"),
            )],
        };
        let start = Instant::now();
        let result = draw(&list, &draw_config).expect("the draw succeeds");
        draw_times.push(start.elapsed());

        let start = Instant::now();
        let merge = recruitment::merge::mail_merge_csv(
            &list,
            &result,
            "https://kleroterion.example/a/citizens-assembly-2027",
        )
        .expect("merges");
        merge_times.push(start.elapsed());
        merge_bytes = merge.len();

        let start = Instant::now();
        let mut codes = Vec::with_capacity(result.invitations().len());
        for invitation in result.invitations() {
            let url = recruitment::merge::registration_url(
                "https://kleroterion.example/a/citizens-assembly-2027",
                &invitation.code,
            )
            .expect("url");
            codes.push(recruitment::qr::encode(&url).expect("fits"));
        }
        qr_times.push(start.elapsed());
        let start = Instant::now();
        svg_bytes = codes
            .iter()
            .map(|code| recruitment::qr::to_svg(code, 4).len())
            .sum();
        svg_times.push(start.elapsed());
        version = codes.first().map_or(0, |code| code.version());
    }
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    let (parse, drawn) = (median(parse_times), median(draw_times));
    println!(
        "{addresses} addresses in {areas} areas ({} bytes of CSV), {invitations} invitations, median of {repeats} runs",
        text.len()
    );
    println!("parse address list      {:8.1} ms", ms(parse));
    println!("draw invitations + codes{:8.1} ms", ms(drawn));
    println!("parse + draw            {:8.1} ms", ms(parse + drawn));
    println!(
        "mail-merge CSV          {:8.1} ms ({merge_bytes} bytes)",
        ms(median(merge_times))
    );
    println!(
        "QR codes (version {version})     {:8.1} ms",
        ms(median(qr_times))
    );
    println!(
        "QR SVGs                 {:8.1} ms ({} bytes per SVG on average)",
        ms(median(svg_times)),
        svg_bytes / invitations.max(1)
    );
    println!("peak resident memory    {}", peak_memory());
}
