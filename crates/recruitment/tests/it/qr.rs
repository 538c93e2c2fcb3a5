//! The QR encoder against known data from the standard, and round trips through the independent
//! reader of `qr_reader` for several URLs, every version and every mask.

use crate::qr_reader;
use recruitment::RecruitmentError;
use recruitment::qr::{self, QrCode};

fn read(code: &QrCode) -> Result<qr_reader::Decoded, String> {
    qr_reader::read(code.size(), |row, column| code.is_dark(column, row))
}

#[test]
fn format_information_matches_the_standards_table_for_level_m() {
    let table = [
        "101010000010010",
        "101000100100101",
        "101111001111100",
        "101101101001011",
        "100010111111001",
        "100000011001110",
        "100111110010111",
        "100101010100000",
    ];
    for (mask, expect) in table.iter().enumerate() {
        assert_eq!(
            format!("{:015b}", qr::format_bits(mask as u8)),
            *expect,
            "mask {mask}"
        );
    }
}

#[test]
fn version_information_matches_the_standards_table() {
    let table = [
        (7, "000111110010010100"),
        (8, "001000010110111100"),
        (9, "001001101010011001"),
        (10, "001010010011010011"),
    ];
    for (version, expect) in table {
        assert_eq!(
            format!("{:018b}", qr::version_bits(version)),
            expect,
            "version {version}"
        );
    }
}

/// α^exponent in GF(256) with polynomial 0x11D.
fn alpha(exponent: u32) -> u8 {
    (0..exponent).fold(1u8, |value, _| qr::gf256_multiply(value, 2))
}

#[test]
fn reed_solomon_generators_match_the_published_polynomials() {
    // Exponents of α for each coefficient, highest power first (the usual published table).
    let tables: [(usize, &[u32]); 3] = [
        (10, &[0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45]),
        (
            16,
            &[
                0, 120, 104, 107, 109, 102, 161, 76, 3, 91, 191, 147, 169, 182, 194, 225, 120,
            ],
        ),
        (
            26,
            &[
                0, 173, 125, 158, 2, 103, 182, 118, 17, 145, 201, 111, 28, 165, 53, 161, 21, 245,
                142, 13, 102, 48, 227, 153, 145, 218, 70,
            ],
        ),
    ];
    for (degree, exponents) in tables {
        let expect: Vec<u8> = exponents.iter().map(|&exponent| alpha(exponent)).collect();
        assert_eq!(qr::rs_generator(degree), expect, "degree {degree}");
    }
}

#[test]
fn reed_solomon_codewords_match_the_hello_world_example() {
    // The widely published 1-M example "HELLO WORLD" (alphanumeric mode; only the block matters).
    let data = [
        32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17,
    ];
    let correction = qr::rs_remainder(&data, &qr::rs_generator(10));
    assert_eq!(correction, [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
}

#[test]
fn block_tables_add_up_to_the_modules_of_each_version() {
    for version in qr::MIN_VERSION..=qr::MAX_VERSION {
        // The modules left for data: the side squared minus finders with separators and format
        // areas, timing patterns, alignment patterns (less their overlap with the timing
        // patterns) and, from version 7, the two version blocks.
        let v = version as usize;
        let mut modules = (16 * v + 128) * v + 64;
        if v >= 2 {
            let per_side = v / 7 + 2;
            modules -= (25 * per_side - 10) * per_side - 55;
            if v >= 7 {
                modules -= 36;
            }
        }
        assert_eq!(
            qr::total_codewords(version),
            modules / 8,
            "version {version}"
        );
    }
    let capacities: Vec<usize> = (qr::MIN_VERSION..=qr::MAX_VERSION)
        .map(qr::byte_capacity)
        .collect();
    assert_eq!(capacities, [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]);
}

#[test]
fn urls_round_trip_through_an_independent_reader_with_every_mask() {
    let texts = [
        "https://example.org/r/K7QM3XPD9A".to_string(),
        "https://kleroterion.example/assemblies/citizens-assembly-on-climate-2027/r/K7QM3XPD9A"
            .to_string(),
        "https://k.example/r/0000000000?lang=fr&utm=letter".to_string(),
        "é€😀".to_string(),
        "x".to_string(),
    ];
    let mut versions = std::collections::BTreeSet::new();
    let lengths = [
        14usize, 15, 26, 27, 42, 43, 62, 63, 84, 85, 106, 107, 122, 123, 152, 153, 180, 181, 213,
    ];
    let padded = lengths.iter().map(|&length| {
        (0..length)
            .map(|index| (b'a' + (index % 26) as u8) as char)
            .collect::<String>()
    });
    for text in texts.into_iter().chain(padded) {
        for mask in 0..8 {
            let code = qr::encode_with_mask(&text, mask).expect("fits");
            let decoded =
                read(&code).unwrap_or_else(|error| panic!("{text:?} mask {mask}: {error}"));
            assert_eq!(decoded.bytes, text.as_bytes());
            assert_eq!(
                (decoded.version, decoded.mask),
                (code.version() as usize, mask)
            );
            versions.insert(code.version());
        }
        let best = qr::encode(&text).expect("fits");
        assert_eq!(read(&best).expect("reads").bytes, text.as_bytes());
        assert_eq!(best.size(), 17 + 4 * best.version() as usize);
    }
    assert_eq!(
        versions.into_iter().collect::<Vec<u8>>(),
        (1..=10).collect::<Vec<u8>>()
    );
}

#[test]
fn the_reader_notices_a_damaged_symbol() {
    let code = qr::encode("https://example.org/r/K7QM3XPD9A").expect("fits");
    let size = code.size();
    // Flip one data module (bottom right corner is always data).
    let flipped = qr_reader::read(size, |row, column| {
        code.is_dark(column, row) ^ (row == size - 1 && column == size - 1)
    });
    assert!(
        flipped
            .expect_err("a flipped module breaks a syndrome")
            .contains("syndrome")
    );
    let bad_format = qr_reader::read(size, |row, column| {
        code.is_dark(column, row) ^ (row == 8 && column == 0)
    });
    assert!(bad_format.is_err());
}

#[test]
fn the_mask_is_chosen_by_the_lowest_penalty() {
    let text = "https://example.org/r/K7QM3XPD9A";
    let best = qr::encode(text).expect("fits");
    let score = |code: &QrCode| {
        let modules: Vec<bool> = (0..code.size() * code.size())
            .map(|index| code.is_dark(index % code.size(), index / code.size()))
            .collect();
        qr::penalty(&modules, code.size())
    };
    for mask in 0..8 {
        let other = qr::encode_with_mask(text, mask).expect("fits");
        assert!(
            score(&best) <= score(&other),
            "mask {} scores {} but mask {mask} scores {}",
            best.mask(),
            score(&best),
            score(&other)
        );
    }
}

#[test]
fn penalty_rules_score_known_patterns() {
    // All light 5 x 5: five runs of 5 per direction (3 each), 16 2x2 blocks, 100% light (10 x 10).
    let light = vec![false; 25];
    assert_eq!(qr::penalty(&light, 5), 2 * 5 * 3 + 16 * 3 + 100);
    // A 11 x 11 checkerboard: no runs, no blocks, 61 of 121 dark.
    let checker: Vec<bool> = (0..121)
        .map(|index| (index % 11 + index / 11) % 2 == 0)
        .collect();
    assert_eq!(qr::penalty(&checker, 11), 0);
}

#[test]
fn too_long_text_is_refused() {
    let text = "a".repeat(214);
    assert_eq!(
        qr::encode(&text),
        Err(RecruitmentError::QrTooLong {
            bytes: 214,
            max: 213
        })
    );
}

#[test]
fn the_svg_has_a_quiet_zone_crisp_edges_a_title_and_every_dark_module() {
    let code = qr::encode("https://example.org/r/K7QM3XPD9A?a=1&b=<2>").expect("fits");
    let svg = qr::to_svg(&code, 4);
    let side = code.size() + 8;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(&format!(
        "viewBox=\"0 0 {side} {side}\" width=\"{}\" height=\"{}\"",
        side * 4,
        side * 4
    )));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));
    assert!(
        svg.contains(
            "<title>QR code: https://example.org/r/K7QM3XPD9A?a=1&amp;b=&lt;2&gt;</title>"
        )
    );
    // Sum the run widths of the path and compare with the number of dark modules; every run
    // starts inside the quiet zone's frame.
    let path = svg
        .split(" d=\"")
        .nth(1)
        .expect("a path")
        .split('"')
        .next()
        .expect("path data");
    let mut dark_in_path = 0;
    for segment in path.split('M').filter(|segment| !segment.is_empty()) {
        let (start, rest) = segment.split_once('h').expect("h");
        let (x, y) = start.split_once(',').expect("x,y");
        let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
        assert!(
            x >= 4 && y >= 4 && x < side - 4 && y < side - 4,
            "module at {x},{y} is in the quiet zone"
        );
        let width: usize = rest
            .split('v')
            .next()
            .expect("width")
            .parse()
            .expect("width");
        for column in x - 4..x - 4 + width {
            assert!(code.is_dark(column, y - 4));
        }
        dark_in_path += width;
    }
    let dark = (0..code.size())
        .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
        .filter(|&(x, y)| code.is_dark(x, y))
        .count();
    assert_eq!(dark_in_path, dark);
}

/// The penalty rules written out module by module, to check the packed implementation.
fn reference_penalty(modules: &[bool], size: usize) -> u32 {
    let at = |x: usize, y: usize| modules[y * size + x];
    let mut score = 0u32;
    for horizontal in [true, false] {
        for line in 0..size {
            let cell = |index: usize| {
                if horizontal {
                    at(index, line)
                } else {
                    at(line, index)
                }
            };
            let mut run = 1;
            for index in 1..=size {
                if index < size && cell(index) == cell(index - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += 3 + (run - 5) as u32;
                    }
                    run = 1;
                }
            }
            let finder = [true, false, true, true, true, false, true];
            for start in 0..size.saturating_sub(10) {
                let matches = |offset: usize| {
                    (0..7).all(|index| cell(start + offset + index) == finder[index])
                };
                let light = |from: usize| (from..from + 4).all(|index| !cell(start + index));
                score +=
                    40 * u32::from(matches(0) && light(7)) + 40 * u32::from(light(0) && matches(4));
            }
        }
    }
    for y in 0..size - 1 {
        for x in 0..size - 1 {
            let colour = at(x, y);
            score += 3 * u32::from(
                at(x + 1, y) == colour && at(x, y + 1) == colour && at(x + 1, y + 1) == colour,
            );
        }
    }
    let dark = modules.iter().filter(|&&module| module).count() as i64;
    let total = (size * size) as i64;
    score + 10 * ((dark * 20 - total * 10).abs() / total) as u32
}

#[test]
fn the_packed_penalty_equals_the_rules_written_out() {
    let mut stream = recruitment::random::Stream::new("penalty");
    for text in ["https://example.org/r/K7QM3XPD9A", "a", &"z".repeat(200)] {
        for mask in 0..8 {
            let code = qr::encode_with_mask(text, mask).expect("fits");
            let modules: Vec<bool> = (0..code.size() * code.size())
                .map(|index| code.is_dark(index % code.size(), index / code.size()))
                .collect();
            assert_eq!(
                qr::penalty(&modules, code.size()),
                reference_penalty(&modules, code.size())
            );
        }
    }
    for size in [5usize, 11, 21, 57, 64] {
        for _ in 0..20 {
            let density = 1 + stream.below(9);
            let modules: Vec<bool> = (0..size * size)
                .map(|_| stream.below(10) < density)
                .collect();
            assert_eq!(
                qr::penalty(&modules, size),
                reference_penalty(&modules, size),
                "size {size}"
            );
        }
    }
}
