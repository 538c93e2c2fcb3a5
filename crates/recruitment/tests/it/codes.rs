//! Invitation codes: printed form, parsing of what people type, and the check character's promise
//! (every single mistyped character and every adjacent swap is caught).

use recruitment::RecruitmentError;
use recruitment::codes::{ALPHABET, InvitationCode, draw_codes, parse_code};
use recruitment::random::Stream;
use std::collections::HashSet;

#[test]
fn codes_print_in_groups_and_the_check_character_is_the_gf32_sum() {
    assert_eq!(InvitationCode::from_bits(0).to_string(), "0000-0000-00");
    // d9 = 1, so the check is α^9 = x^4 + x^3 + x = 26, the letter T.
    assert_eq!(InvitationCode::from_bits(1).to_string(), "0000-0000-1T");
    // d1 = 1, so the check is α = 2.
    assert_eq!(
        InvitationCode::from_bits(1 << 40).to_string(),
        "1000-0000-02"
    );
    assert_eq!(InvitationCode::from_bits(1 << 40).compact(), "1000000002");
}

#[test]
fn typed_codes_are_normalised_before_checking() {
    let code = InvitationCode::from_bits(0x1234_5678_9ABC & ((1 << 45) - 1));
    let printed = code.to_string();
    for typed in [
        printed.clone(),
        printed.to_lowercase(),
        printed.replace('-', " "),
        format!("  {}  ", code.compact()),
        printed.replace('-', ""),
    ] {
        assert_eq!(parse_code(&typed), Ok(code), "{typed:?}");
    }
    let zero_one = InvitationCode::from_bits(0);
    assert_eq!(parse_code("oooo-OOOO-00"), Ok(zero_one));
    let with_one = InvitationCode::from_bits(1);
    assert_eq!(parse_code("OOOO oooo iT"), Ok(with_one));
    assert_eq!(parse_code("0000-0000-LT"), Ok(with_one));
}

#[test]
fn bad_codes_get_a_typed_error() {
    assert_eq!(
        parse_code("0000-0000-1"),
        Err(RecruitmentError::CodeLength { found: 9 })
    );
    assert_eq!(
        parse_code(""),
        Err(RecruitmentError::CodeLength { found: 0 })
    );
    assert_eq!(
        parse_code("0000-0000-1TT"),
        Err(RecruitmentError::CodeLength { found: 11 })
    );
    assert_eq!(
        parse_code("0000-U000-1T"),
        Err(RecruitmentError::CodeCharacter {
            character: 'U',
            position: 5
        })
    );
    assert_eq!(
        parse_code("0000-0000-1é"),
        Err(RecruitmentError::CodeCharacter {
            character: 'é',
            position: 10
        })
    );
    assert_eq!(parse_code("0000-0000-1V"), Err(RecruitmentError::CodeCheck));
}

#[test]
fn every_single_error_and_adjacent_swap_is_caught() {
    let mut stream = Stream::new("check character");
    let codes = draw_codes(&mut stream, 3000);
    let mut swaps_tested = 0;
    for code in &codes {
        let original: Vec<u8> = code.compact().bytes().collect();
        assert_eq!(parse_code(code.compact()), Ok(*code));
        for position in 0..original.len() {
            for &replacement in ALPHABET.iter() {
                if replacement == original[position] {
                    continue;
                }
                let mut typed = original.clone();
                typed[position] = replacement;
                let typed = String::from_utf8(typed).expect("ASCII");
                assert_eq!(
                    parse_code(&typed),
                    Err(RecruitmentError::CodeCheck),
                    "{code} typed as {typed}"
                );
            }
        }
        for position in 0..original.len() - 1 {
            if original[position] == original[position + 1] {
                continue;
            }
            let mut typed = original.clone();
            typed.swap(position, position + 1);
            let typed = String::from_utf8(typed).expect("ASCII");
            assert_eq!(
                parse_code(&typed),
                Err(RecruitmentError::CodeCheck),
                "{code} typed as {typed}"
            );
            swaps_tested += 1;
        }
    }
    assert!(swaps_tested > 25_000);
}

#[test]
fn drawn_codes_are_unique_and_follow_the_stream() {
    let mut stream = Stream::new("unique");
    let codes = draw_codes(&mut stream, 100_000);
    let distinct: HashSet<&InvitationCode> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len());
    let mut again = Stream::new("unique");
    assert_eq!(codes[0], InvitationCode::from_bits(again.next_u64() >> 19));
    assert_eq!(codes[1], InvitationCode::from_bits(again.next_u64() >> 19));
    for code in codes.iter().take(1000) {
        let text = code.to_string();
        assert_eq!(text.len(), 12);
        assert!(
            text.chars()
                .enumerate()
                .all(|(index, character)| if index == 4 || index == 9 {
                    character == '-'
                } else {
                    ALPHABET.contains(&(character as u8))
                })
        );
    }
}
