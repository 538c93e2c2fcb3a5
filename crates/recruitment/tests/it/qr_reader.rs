//! A small, independent QR reader for the tests: it checks the finder and timing patterns, reads
//! and checks the format (and version) information, unmasks, reads the zigzag, de-interleaves the
//! blocks, checks that every block's Reed–Solomon syndromes are zero, and decodes byte mode.
//! It shares no code with the encoder and follows ISO/IEC 18004's notation (row i, column j).

/// What the reader found.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub version: usize,
    pub mask: u8,
    pub bytes: Vec<u8>,
}

/// Level M block structure from the standard's table: (total codewords, EC codewords per block,
/// data codewords of each block).
fn blocks(version: usize) -> (usize, usize, Vec<usize>) {
    match version {
        1 => (26, 10, vec![16]),
        2 => (44, 16, vec![28]),
        3 => (70, 26, vec![44]),
        4 => (100, 18, vec![32, 32]),
        5 => (134, 24, vec![43, 43]),
        6 => (172, 16, vec![27; 4]),
        7 => (196, 18, vec![31; 4]),
        8 => (242, 22, vec![38, 38, 39, 39]),
        9 => (292, 22, vec![36, 36, 36, 37, 37]),
        10 => (346, 26, vec![43, 43, 43, 43, 44]),
        _ => panic!("the reader knows versions 1 to 10"),
    }
}

/// Alignment pattern centre coordinates from the standard's table.
fn alignment_centres(version: usize) -> Vec<usize> {
    match version {
        1 => vec![],
        2 => vec![6, 18],
        3 => vec![6, 22],
        4 => vec![6, 26],
        5 => vec![6, 30],
        6 => vec![6, 34],
        7 => vec![6, 22, 38],
        8 => vec![6, 24, 42],
        9 => vec![6, 26, 46],
        _ => vec![6, 28, 50],
    }
}

/// Remainder of a binary polynomial division (bits of `value` against `divisor`).
fn binary_remainder(mut value: u32, divisor: u32) -> u32 {
    let divisor_degree = 31 - divisor.leading_zeros();
    while value != 0 && 31 - value.leading_zeros() >= divisor_degree {
        value ^= divisor << (31 - value.leading_zeros() - divisor_degree);
    }
    value
}

fn gf_tables() -> ([u8; 512], [usize; 256]) {
    let mut exp = [0u8; 512];
    let mut log = [0usize; 256];
    let mut value: u32 = 1;
    for (power, slot) in exp.iter_mut().enumerate().take(255) {
        *slot = value as u8;
        log[value as usize] = power;
        value <<= 1;
        if value & 0x100 != 0 {
            value ^= 0x11D;
        }
    }
    for power in 255..512 {
        exp[power] = exp[power - 255];
    }
    (exp, log)
}

/// Reads a symbol given its side and a function telling whether the module at row `i`, column `j`
/// is dark.
pub fn read(size: usize, dark: impl Fn(usize, usize) -> bool) -> Result<Decoded, String> {
    if size < 21 || !(size - 17).is_multiple_of(4) {
        return Err(format!("side {size} is not a QR side"));
    }
    let version = (size - 17) / 4;
    // Finder patterns with their separators.
    for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
        for i in 0..7usize {
            for j in 0..7usize {
                let ring = i.abs_diff(3).max(j.abs_diff(3));
                if dark(top + i, left + j) != (ring != 2) {
                    return Err(format!("finder pattern at ({top}, {left}) is broken"));
                }
            }
        }
    }
    for k in 0..8 {
        let separator = [
            (7, k),
            (k, 7),
            (7, size - 1 - k),
            (k, size - 8),
            (size - 8, k),
            (size - 1 - k, 7),
        ];
        if separator.iter().any(|&(i, j)| dark(i, j)) {
            return Err("a separator is not light".to_string());
        }
    }
    for k in 8..size - 8 {
        if dark(6, k) != (k % 2 == 0) || dark(k, 6) != (k % 2 == 0) {
            return Err("timing pattern is broken".to_string());
        }
    }
    if !dark(size - 8, 8) {
        return Err("the dark module is light".to_string());
    }
    // Format information: both copies, most significant bit first.
    let mut first_positions: Vec<(usize, usize)> =
        [0, 1, 2, 3, 4, 5, 7, 8].iter().map(|&j| (8, j)).collect();
    first_positions.extend([7, 5, 4, 3, 2, 1, 0].iter().map(|&i| (i, 8)));
    let mut second_positions: Vec<(usize, usize)> = (0..7).map(|k| (size - 1 - k, 8)).collect();
    second_positions.extend((0..8).map(|k| (8, size - 8 + k)));
    let word = |positions: &[(usize, usize)]| {
        positions
            .iter()
            .fold(0u32, |acc, &(i, j)| (acc << 1) | dark(i, j) as u32)
    };
    let format = word(&first_positions);
    if format != word(&second_positions) {
        return Err("the two format copies differ".to_string());
    }
    let unmasked_format = format ^ 0b101010000010010;
    if binary_remainder(unmasked_format, 0b10100110111) != 0 {
        return Err(format!(
            "format information {format:015b} fails its BCH check"
        ));
    }
    if unmasked_format >> 13 != 0b00 {
        return Err("error-correction level is not M".to_string());
    }
    let mask = ((unmasked_format >> 10) & 0b111) as u8;
    // Version information (versions 7 and up): 18 bits in a 6 x 3 block, twice.
    if version >= 7 {
        let mut upper_right = 0u32;
        let mut lower_left = 0u32;
        for bit in (0..18).rev() {
            let (a, b) = (bit / 3, size - 11 + bit % 3);
            upper_right = (upper_right << 1) | dark(a, b) as u32;
            lower_left = (lower_left << 1) | dark(b, a) as u32;
        }
        if upper_right != lower_left
            || binary_remainder(upper_right, 0b1111100100101) != 0
            || (upper_right >> 12) as usize != version
        {
            return Err(format!("version information {upper_right:018b} is wrong"));
        }
    }
    // Which modules are function patterns.
    let mut function = vec![vec![false; size]; size];
    let mut mark = |i0: usize, j0: usize, height: usize, width: usize| {
        for row in function.iter_mut().skip(i0).take(height) {
            for cell in row.iter_mut().skip(j0).take(width) {
                *cell = true;
            }
        }
    };
    mark(0, 0, 9, 9);
    mark(0, size - 8, 9, 8);
    mark(size - 8, 0, 8, 9);
    mark(6, 0, 1, size);
    mark(0, 6, size, 1);
    let centres = alignment_centres(version);
    for &ci in &centres {
        for &cj in &centres {
            let overlaps_finder =
                (ci < 10 && (cj < 10 || cj > size - 10)) || (ci > size - 10 && cj < 10);
            if !overlaps_finder {
                mark(ci - 2, cj - 2, 5, 5);
            }
        }
    }
    if version >= 7 {
        mark(0, size - 11, 6, 3);
        mark(size - 11, 0, 3, 6);
    }
    let mask_condition = |i: usize, j: usize| match mask {
        0 => (i + j).is_multiple_of(2),
        1 => i.is_multiple_of(2),
        2 => j.is_multiple_of(3),
        3 => (i + j).is_multiple_of(3),
        4 => (i / 2 + j / 3).is_multiple_of(2),
        5 => (i * j) % 2 + (i * j) % 3 == 0,
        6 => ((i * j) % 2 + (i * j) % 3).is_multiple_of(2),
        _ => ((i + j) % 2 + (i * j) % 3).is_multiple_of(2),
    };
    // The zigzag: column pairs from the right, upwards first, skipping the timing column.
    let mut bits = Vec::new();
    let mut column_pairs = Vec::new();
    let mut right = size as isize - 1;
    while right > 0 {
        if right == 6 {
            right -= 1;
        }
        column_pairs.push(right as usize);
        right -= 2;
    }
    for (pair_index, &right) in column_pairs.iter().enumerate() {
        let rows: Vec<usize> = if pair_index % 2 == 0 {
            (0..size).rev().collect()
        } else {
            (0..size).collect()
        };
        for i in rows {
            for j in [right, right - 1] {
                if !function[i][j] {
                    bits.push(dark(i, j) != mask_condition(i, j));
                }
            }
        }
    }
    let (total, ec, data_lengths) = blocks(version);
    if bits.len() / 8 != total {
        return Err(format!(
            "{} codewords in the symbol, {total} expected",
            bits.len() / 8
        ));
    }
    let codewords: Vec<u8> = bits
        .chunks(8)
        .take(total)
        .map(|chunk| chunk.iter().fold(0u8, |acc, &bit| (acc << 1) | bit as u8))
        .collect();
    // De-interleave.
    let mut block_codewords: Vec<Vec<u8>> = vec![Vec::new(); data_lengths.len()];
    let mut next = codewords.iter();
    for index in 0..*data_lengths.iter().max().expect("blocks") {
        for (block, &length) in data_lengths.iter().enumerate() {
            if index < length {
                block_codewords[block].push(*next.next().expect("enough codewords"));
            }
        }
    }
    for _ in 0..ec {
        for block in block_codewords.iter_mut() {
            block.push(*next.next().expect("enough codewords"));
        }
    }
    // Syndromes: the block polynomial (first codeword = highest power) at α^0 .. α^(ec-1).
    let (exp, log) = gf_tables();
    for (block_index, block) in block_codewords.iter().enumerate() {
        for root in 0..ec {
            let mut value = 0u8;
            for &codeword in block {
                value = if value == 0 {
                    0
                } else {
                    exp[log[value as usize] + root]
                };
                value ^= codeword;
            }
            if value != 0 {
                return Err(format!(
                    "block {block_index} has a non-zero syndrome at α^{root}"
                ));
            }
        }
    }
    let data: Vec<u8> = block_codewords
        .iter()
        .zip(&data_lengths)
        .flat_map(|(block, &length)| block[..length].to_vec())
        .collect();
    let data_bits: Vec<bool> = data
        .iter()
        .flat_map(|byte| (0..8).rev().map(move |shift| (byte >> shift) & 1 == 1))
        .collect();
    let take = |from: usize, count: usize| {
        data_bits[from..from + count]
            .iter()
            .fold(0usize, |acc, &bit| (acc << 1) | bit as usize)
    };
    if take(0, 4) != 0b0100 {
        return Err("not byte mode".to_string());
    }
    let count_bits = if version <= 9 { 8 } else { 16 };
    let length = take(4, count_bits);
    let start = 4 + count_bits;
    if start + 8 * length > data_bits.len() {
        return Err("the count is longer than the data".to_string());
    }
    let bytes: Vec<u8> = (0..length)
        .map(|index| take(start + 8 * index, 8) as u8)
        .collect();
    let end = start + 8 * length;
    let terminator_end = (end + 4).min(data_bits.len());
    if data_bits[end..terminator_end].iter().any(|&bit| bit) {
        return Err("the terminator is not zero".to_string());
    }
    let first_pad = terminator_end.div_ceil(8);
    for (index, &byte) in data[first_pad..].iter().enumerate() {
        if byte != [0xEC, 0x11][index % 2] {
            return Err(format!("pad codeword {index} is {byte:#04x}"));
        }
    }
    Ok(Decoded {
        version,
        mask,
        bytes,
    })
}
