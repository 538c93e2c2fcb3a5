//! A QR code encoder for the registration URL on each letter: byte mode, error-correction level M,
//! versions 1 to 10 (up to 213 bytes), following ISO/IEC 18004; plus an SVG renderer.
//!
//! Steps: the smallest version that fits is chosen; the bit stream is mode `0100`, the byte count
//! (8 bits, 16 from version 10), the bytes, up to four zero bits of terminator, zero bits to a byte
//! boundary and the pad bytes `EC 11 EC 11 ...`; the data codewords are split into blocks, each
//! block gets Reed–Solomon error-correction codewords over GF(256) (polynomial 0x11D, generator
//! roots α^0..α^(n−1)), and the blocks are interleaved.
//! The codewords are placed in the standard zigzag around the function patterns (finders,
//! separators, timing, alignment, format and version information), each of the eight masks is
//! applied and scored by the standard penalty rules, and the lowest score wins (ties to the lower
//! mask number).

use crate::RecruitmentError;
use std::fmt::Write;

/// The smallest version supported.
pub const MIN_VERSION: u8 = 1;
/// The largest version supported.
pub const MAX_VERSION: u8 = 10;

/// Error-correction codewords per block, level M, by version.
const EC_PER_BLOCK: [usize; 11] = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26];

/// Level M blocks by version: (blocks in group 1, data codewords each, blocks in group 2, data
/// codewords each).
const BLOCKS: [(usize, usize, usize, usize); 11] = [
    (0, 0, 0, 0),
    (1, 16, 0, 0),
    (1, 28, 0, 0),
    (1, 44, 0, 0),
    (2, 32, 0, 0),
    (2, 43, 0, 0),
    (4, 27, 0, 0),
    (4, 31, 0, 0),
    (2, 38, 2, 39),
    (3, 36, 2, 37),
    (4, 43, 1, 44),
];

/// Centres of the alignment patterns (both axes), by version.
const ALIGNMENT: [&[usize]; 11] = [
    &[],
    &[],
    &[6, 18],
    &[6, 22],
    &[6, 26],
    &[6, 30],
    &[6, 34],
    &[6, 22, 38],
    &[6, 24, 42],
    &[6, 26, 46],
    &[6, 28, 50],
];

/// A QR code: a square of modules, dark or light, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    version: u8,
    mask: u8,
    size: usize,
    modules: Vec<bool>,
    text: String,
}

impl QrCode {
    /// The version (1 to 10); the side is `17 + 4 · version` modules.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The mask pattern used (0 to 7).
    pub fn mask(&self) -> u8 {
        self.mask
    }

    /// The number of modules per side.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the module in column `x`, row `y` (from the top left, 0-based) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.modules[y * self.size + x]
    }

    /// The encoded text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The number of data codewords of a version at level M.
pub fn data_codewords(version: u8) -> usize {
    let (blocks_1, data_1, blocks_2, data_2) = BLOCKS[version as usize];
    blocks_1 * data_1 + blocks_2 * data_2
}

/// The total number of codewords (data and error correction) of a version.
pub fn total_codewords(version: u8) -> usize {
    let (blocks_1, _, blocks_2, _) = BLOCKS[version as usize];
    data_codewords(version) + (blocks_1 + blocks_2) * EC_PER_BLOCK[version as usize]
}

/// The largest number of bytes a version holds in byte mode at level M.
pub fn byte_capacity(version: u8) -> usize {
    let count_bits = if version >= 10 { 16 } else { 8 };
    (data_codewords(version) * 8 - 4 - count_bits) / 8
}

/// Encodes text (as UTF-8 bytes) in the smallest version that fits, with the best mask.
pub fn encode(text: &str) -> Result<QrCode, RecruitmentError> {
    encode_with(text, None)
}

/// Encodes text with a forced mask (0 to 7); for tests and comparisons with other encoders.
pub fn encode_with_mask(text: &str, mask: u8) -> Result<QrCode, RecruitmentError> {
    assert!(mask < 8, "there are eight masks");
    encode_with(text, Some(mask))
}

fn encode_with(text: &str, forced_mask: Option<u8>) -> Result<QrCode, RecruitmentError> {
    let bytes = text.as_bytes();
    let version = (MIN_VERSION..=MAX_VERSION)
        .find(|&version| bytes.len() <= byte_capacity(version))
        .ok_or(RecruitmentError::QrTooLong {
            bytes: bytes.len(),
            max: byte_capacity(MAX_VERSION),
        })?;
    let codewords = interleave(version, &data_stream(version, bytes));
    let mut matrix = Matrix::new(version);
    matrix.draw_function_patterns();
    matrix.place(&codewords);
    let mask = match forced_mask {
        Some(mask) => mask,
        None => (0..8u8)
            .min_by_key(|&mask| {
                let mut trial = matrix.clone();
                trial.apply_mask(mask);
                trial.draw_format(mask);
                (penalty(&trial.modules, trial.size), mask)
            })
            .expect("eight masks"),
    };
    matrix.apply_mask(mask);
    matrix.draw_format(mask);
    Ok(QrCode {
        version,
        mask,
        size: matrix.size,
        modules: matrix.modules,
        text: text.to_string(),
    })
}

/// The data codewords: mode, count, bytes, terminator, padding to a byte, pad bytes.
fn data_stream(version: u8, bytes: &[u8]) -> Vec<u8> {
    let capacity_bits = data_codewords(version) * 8;
    let mut bits: Vec<bool> = Vec::with_capacity(capacity_bits);
    fn push(bits: &mut Vec<bool>, value: u32, count: u32) {
        for shift in (0..count).rev() {
            bits.push((value >> shift) & 1 == 1);
        }
    }
    push(&mut bits, 0b0100, 4);
    push(
        &mut bits,
        bytes.len() as u32,
        if version >= 10 { 16 } else { 8 },
    );
    for &byte in bytes {
        push(&mut bits, byte as u32, 8);
    }
    let terminator = (capacity_bits - bits.len()).min(4);
    push(&mut bits, 0, terminator as u32);
    while !bits.len().is_multiple_of(8) {
        bits.push(false);
    }
    let mut codewords: Vec<u8> = bits
        .chunks(8)
        .map(|chunk| chunk.iter().fold(0u8, |byte, &bit| (byte << 1) | bit as u8))
        .collect();
    for pad in [0xEC, 0x11].iter().cycle() {
        if codewords.len() >= data_codewords(version) {
            break;
        }
        codewords.push(*pad);
    }
    codewords
}

/// Splits data codewords into blocks, adds error correction and interleaves: first the i-th data
/// codeword of every block (blocks in order, skipping blocks that are shorter), then the i-th
/// error-correction codeword of every block.
fn interleave(version: u8, data: &[u8]) -> Vec<u8> {
    let (blocks_1, data_1, blocks_2, data_2) = BLOCKS[version as usize];
    let ec = EC_PER_BLOCK[version as usize];
    let generator = rs_generator(ec);
    let mut blocks: Vec<(&[u8], Vec<u8>)> = Vec::new();
    let mut start = 0;
    for length in std::iter::repeat_n(data_1, blocks_1).chain(std::iter::repeat_n(data_2, blocks_2))
    {
        let block = &data[start..start + length];
        blocks.push((block, rs_remainder(block, &generator)));
        start += length;
    }
    let mut out = Vec::with_capacity(total_codewords(version));
    for index in 0..data_1.max(data_2) {
        for (block, _) in &blocks {
            if let Some(&codeword) = block.get(index) {
                out.push(codeword);
            }
        }
    }
    for index in 0..ec {
        for (_, correction) in &blocks {
            out.push(correction[index]);
        }
    }
    out
}

/// Multiplies in GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
pub fn gf256_multiply(a: u8, b: u8) -> u8 {
    let mut product: u16 = 0;
    let (mut a, mut b) = (a as u16, b);
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x100 != 0 {
            a ^= 0x11D;
        }
    }
    product as u8
}

/// The Reed–Solomon generator polynomial of a degree, `(x − α^0)(x − α^1)...(x − α^(degree−1))`,
/// as coefficients from the highest power down, the leading 1 included.
pub fn rs_generator(degree: usize) -> Vec<u8> {
    let mut polynomial = vec![1u8];
    let mut root = 1u8;
    for _ in 0..degree {
        let mut next = vec![0u8; polynomial.len() + 1];
        for (index, &coefficient) in polynomial.iter().enumerate() {
            next[index] ^= coefficient;
            next[index + 1] ^= gf256_multiply(coefficient, root);
        }
        polynomial = next;
        root = gf256_multiply(root, 2);
    }
    polynomial
}

/// The error-correction codewords of a block: the remainder of `data · x^degree` divided by the
/// generator (as returned by [`rs_generator`]).
pub fn rs_remainder(data: &[u8], generator: &[u8]) -> Vec<u8> {
    let degree = generator.len() - 1;
    let mut remainder = vec![0u8; degree];
    for &byte in data {
        let factor = byte ^ remainder[0];
        remainder.remove(0);
        remainder.push(0);
        for (index, slot) in remainder.iter_mut().enumerate() {
            *slot ^= gf256_multiply(generator[index + 1], factor);
        }
    }
    remainder
}

/// The 15 format-information bits for level M and a mask: the five data bits `00` + mask, a
/// BCH(15,5) remainder (generator 0x537), XOR 0x5412.
pub fn format_bits(mask: u8) -> u16 {
    let data = mask as u32; // Level M is 00.
    let mut remainder = data;
    for _ in 0..10 {
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
    }
    (((data << 10) | (remainder & 0x3FF)) ^ 0x5412) as u16
}

/// The 18 version-information bits (versions 7 and up): six version bits and a BCH(18,6)
/// remainder (generator 0x1F25).
pub fn version_bits(version: u8) -> u32 {
    let data = version as u32;
    let mut remainder = data;
    for _ in 0..12 {
        remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25);
    }
    (data << 12) | (remainder & 0xFFF)
}

/// Whether mask `mask` flips the module in column `x`, row `y`.
pub fn mask_flips(mask: u8, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (x / 3 + y / 2).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

#[derive(Clone)]
struct Matrix {
    version: u8,
    size: usize,
    modules: Vec<bool>,
    function: Vec<bool>,
}

impl Matrix {
    fn new(version: u8) -> Matrix {
        let size = 17 + 4 * version as usize;
        Matrix {
            version,
            size,
            modules: vec![false; size * size],
            function: vec![false; size * size],
        }
    }

    fn set_function(&mut self, x: usize, y: usize, dark: bool) {
        self.modules[y * self.size + x] = dark;
        self.function[y * self.size + x] = true;
    }

    fn draw_function_patterns(&mut self) {
        let size = self.size;
        for index in 0..size {
            self.set_function(6, index, index % 2 == 0);
            self.set_function(index, 6, index % 2 == 0);
        }
        self.draw_finder(3, 3);
        self.draw_finder(size - 4, 3);
        self.draw_finder(3, size - 4);
        let centres = ALIGNMENT[self.version as usize];
        let last = centres.len().saturating_sub(1);
        for (i, &cx) in centres.iter().enumerate() {
            for (j, &cy) in centres.iter().enumerate() {
                let on_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
                if !on_finder {
                    for dy in -2i32..=2 {
                        for dx in -2i32..=2 {
                            let ring = dx.abs().max(dy.abs());
                            self.set_function(
                                (cx as i32 + dx) as usize,
                                (cy as i32 + dy) as usize,
                                ring != 1,
                            );
                        }
                    }
                }
            }
        }
        // Reserve the format areas (and the dark module) with a placeholder.
        self.draw_format(0);
        if self.version >= 7 {
            let bits = version_bits(self.version);
            for index in 0..18 {
                let dark = (bits >> index) & 1 == 1;
                let a = size - 11 + index % 3;
                let b = index / 3;
                self.set_function(a, b, dark);
                self.set_function(b, a, dark);
            }
        }
    }

    /// A finder pattern with its separator, centred at (cx, cy).
    fn draw_finder(&mut self, cx: usize, cy: usize) {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                if x >= 0 && y >= 0 && (x as usize) < self.size && (y as usize) < self.size {
                    let ring = dx.abs().max(dy.abs());
                    self.set_function(x as usize, y as usize, ring != 2 && ring != 4);
                }
            }
        }
    }

    /// Both copies of the format information, bit 0 being the least significant.
    fn draw_format(&mut self, mask: u8) {
        let bits = format_bits(mask);
        let bit = |index: usize| (bits >> index) & 1 == 1;
        let size = self.size;
        for index in 0..6 {
            self.set_function(8, index, bit(index));
        }
        self.set_function(8, 7, bit(6));
        self.set_function(8, 8, bit(7));
        self.set_function(7, 8, bit(8));
        for index in 9..15 {
            self.set_function(14 - index, 8, bit(index));
        }
        for index in 0..8 {
            self.set_function(size - 1 - index, 8, bit(index));
        }
        for index in 8..15 {
            self.set_function(8, size - 15 + index, bit(index));
        }
        self.set_function(8, size - 8, true);
    }

    /// Places the codewords' bits, most significant first, in two-column strips from the right,
    /// going up then down, skipping the vertical timing column and function modules; modules left
    /// over (the remainder bits) stay light.
    fn place(&mut self, codewords: &[u8]) {
        let size = self.size;
        let total_bits = codewords.len() * 8;
        let mut bit_index = 0;
        let mut right = size - 1;
        loop {
            if right == 6 {
                right = 5;
            }
            let upward = ((right + 1) & 2) == 0;
            for step in 0..size {
                let y = if upward { size - 1 - step } else { step };
                for offset in 0..2 {
                    let x = right - offset;
                    if !self.function[y * size + x] && bit_index < total_bits {
                        let dark = (codewords[bit_index >> 3] >> (7 - (bit_index & 7))) & 1 == 1;
                        self.modules[y * size + x] = dark;
                        bit_index += 1;
                    }
                }
            }
            if right < 2 {
                break;
            }
            right -= 2;
        }
        debug_assert_eq!(bit_index, total_bits, "every codeword bit is placed");
    }

    fn apply_mask(&mut self, mask: u8) {
        for y in 0..self.size {
            for x in 0..self.size {
                if !self.function[y * self.size + x] && mask_flips(mask, x, y) {
                    self.modules[y * self.size + x] ^= true;
                }
            }
        }
    }
}

/// The penalty score of a masked symbol (lower is better):
/// N1, 3 + (length − 5) for every row or column run of five or more modules of one colour;
/// N2, 3 for every 2×2 square of one colour (overlapping squares all count);
/// N3, 40 for every occurrence in a row or column of `10111010000` or `00001011101`;
/// N4, 10 for every full 5% by which the share of dark modules differs from 50%.
///
/// Each row and column is packed into a `u64` (bit `k` is module `k`), so the rules are a few bit
/// operations per line; `size` is at most 64.
pub fn penalty(modules: &[bool], size: usize) -> u32 {
    assert!(size <= 64, "penalty works on sides of at most 64 modules");
    let mut rows = vec![0u64; size];
    let mut columns = vec![0u64; size];
    for y in 0..size {
        for x in 0..size {
            let dark = modules[y * size + x] as u64;
            rows[y] |= dark << x;
            columns[x] |= dark << y;
        }
    }
    // 1011101 followed by 0000, and 0000 followed by 1011101, with bit k for module start + k.
    const FINDER_THEN_LIGHT: u64 = 0b000_0101_1101;
    const LIGHT_THEN_FINDER: u64 = 0b101_1101_0000;
    let pairs_mask = (1u64 << (size - 1)) - 1;
    let mut score = 0u32;
    for line in rows.iter().chain(columns.iter()) {
        // Bit k of `changes` is set where module k + 1 differs from module k: runs end there.
        let mut changes = (line ^ (line >> 1)) & pairs_mask;
        let mut run_start = 0;
        loop {
            let run_end = if changes == 0 {
                size
            } else {
                changes.trailing_zeros() as usize + 1
            };
            let run = run_end - run_start;
            if run >= 5 {
                score += 3 + (run - 5) as u32;
            }
            if changes == 0 {
                break;
            }
            changes &= changes - 1;
            run_start = run_end;
        }
        for start in 0..size.saturating_sub(10) {
            let window = (line >> start) & 0x7FF;
            score += 40 * (window == FINDER_THEN_LIGHT) as u32
                + 40 * (window == LIGHT_THEN_FINDER) as u32;
        }
    }
    for y in 0..size - 1 {
        let same_vertically = !(rows[y] ^ rows[y + 1]);
        let same_horizontally = !(rows[y] ^ (rows[y] >> 1));
        let blocks = same_vertically & (same_vertically >> 1) & same_horizontally & pairs_mask;
        score += 3 * blocks.count_ones();
    }
    let dark: i64 = rows.iter().map(|row| row.count_ones() as i64).sum();
    let total = (size * size) as i64;
    score += 10 * ((dark * 20 - total * 10).abs() / total) as u32;
    score
}

/// Renders a QR code as SVG: `module_size` pixels per module, a light quiet zone of four modules
/// on every side, dark modules as one path, `shape-rendering="crispEdges"`, and a `<title>` naming
/// the encoded text for screen readers.
pub fn to_svg(code: &QrCode, module_size: u32) -> String {
    let side = code.size + 8;
    let pixels = side as u64 * module_size.max(1) as u64;
    let mut path = String::new();
    for y in 0..code.size {
        let mut x = 0;
        while x < code.size {
            if code.is_dark(x, y) {
                let start = x;
                while x < code.size && code.is_dark(x, y) {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{},{}h{}v1h-{}z",
                    start + 4,
                    y + 4,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{pixels}\" height=\"{pixels}\" shape-rendering=\"crispEdges\" role=\"img\">\
<title>QR code: {}</title>\
<rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
<path fill=\"#000\" d=\"{path}\"/></svg>",
        charts::escape_xml(&code.text)
    )
}
