//! The stratified invitation draw: how many households each area gets (proportional to its number
//! of addresses, times an optional weight), which households those are, and their codes.
//!
//! The allocation is exact integer arithmetic (weights are whole thousandths), so it gives the same
//! numbers on every platform and in every language; `docs/invitations.md` specifies it.

use crate::RecruitmentError;
use crate::addresses::AddressList;
use crate::codes::{InvitationCode, draw_codes};
use crate::random::Stream;

/// An area weight: a non-negative decimal number with at most three decimals, stored exactly as
/// whole thousandths. The default weight is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Weight {
    thousandths: u32,
}

impl Weight {
    /// The weight 1.
    pub const ONE: Weight = Weight { thousandths: 1000 };

    /// Parses `2`, `1.5`, `0.125` (at most three decimals, at most 1000).
    pub fn parse(text: &str) -> Result<Weight, RecruitmentError> {
        let bad = || RecruitmentError::BadWeight {
            text: text.to_string(),
        };
        let trimmed = text.trim();
        let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 3
            || whole.len() > 4
        {
            return Err(bad());
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut fraction_value: u32 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().map_err(|_| bad())?
        };
        for _ in fraction.len()..3 {
            fraction_value *= 10;
        }
        let thousandths = whole * 1000 + fraction_value;
        if thousandths > 1_000_000 {
            return Err(bad());
        }
        Ok(Weight { thousandths })
    }

    /// The weight in whole thousandths (1.5 is 1500).
    pub fn thousandths(self) -> u32 {
        self.thousandths
    }
}

impl std::fmt::Display for Weight {
    /// The shortest decimal form: `1`, `1.5`, `0.125`.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.thousandths / 1000;
        let fraction = self.thousandths % 1000;
        if fraction == 0 {
            write!(formatter, "{whole}")
        } else {
            let digits = format!("{fraction:03}");
            write!(formatter, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawConfig {
    /// The published seed string.
    pub seed: String,
    /// The number of households to invite.
    pub invitations: usize,
    /// Weights per area name; areas not listed have weight 1, so an empty list is the
    /// proportional draw. A weight of 0 leaves an area out.
    pub weights: Vec<(String, Weight)>,
}

/// The outcome of the draw for one area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaReport {
    /// The area name.
    pub area: String,
    /// The number of addresses in the area.
    pub addresses: usize,
    /// The area's weight.
    pub weight: Weight,
    /// The number of households invited.
    pub invited: usize,
}

/// One invitation: an address of the list and its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The index of the address in [`AddressList::addresses`].
    pub address: usize,
    /// The invitation code.
    pub code: InvitationCode,
}

/// The outcome of a draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    seed: String,
    areas: Vec<AreaReport>,
    invitations: Vec<Invitation>,
}

impl Draw {
    /// The seed the draw was made with.
    pub fn seed(&self) -> &str {
        &self.seed
    }

    /// One report per area, in the order of [`AddressList::areas`].
    pub fn areas(&self) -> &[AreaReport] {
        &self.areas
    }

    /// The invitations, area by area (in area order), each area's in the order drawn.
    pub fn invitations(&self) -> &[Invitation] {
        &self.invitations
    }

    /// The per-area report as CSV text (`area,addresses,weight,invited`), safe to publish: it holds
    /// no address.
    pub fn report_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let io = "writing CSV to memory cannot fail";
        writer
            .write_record(["area", "addresses", "weight", "invited"])
            .expect(io);
        for area in &self.areas {
            let addresses = area.addresses.to_string();
            let weight = area.weight.to_string();
            let invited = area.invited.to_string();
            writer
                .write_record([
                    crate::merge::escape_cell(&area.area).as_ref(),
                    &addresses,
                    &weight,
                    &invited,
                ])
                .expect(io);
        }
        String::from_utf8(writer.into_inner().expect(io)).expect("CSV of UTF-8 fields is UTF-8")
    }
}

/// The number of invitations per area, by the capped largest-remainder rule of
/// `docs/invitations.md`: each area's exact quota is `count · size · weight / Σ size · weight` over
/// the areas still open; areas whose quota exceeds their size get all their addresses and are
/// closed, repeatedly; the open areas then get the whole part of their quota, and the seats left go
/// one each to the largest remainders (ties to the earlier area).
///
/// `sizes` and `weights` (in thousandths) are per area, in area order.
pub fn allocate(
    sizes: &[usize],
    weights: &[u32],
    count: usize,
) -> Result<Vec<usize>, RecruitmentError> {
    assert_eq!(sizes.len(), weights.len(), "one weight per area");
    let available: usize = sizes
        .iter()
        .zip(weights)
        .filter(|(_, weight)| **weight > 0)
        .map(|(size, _)| *size)
        .sum();
    if count > available {
        return Err(RecruitmentError::TooManyInvitations {
            requested: count,
            available,
        });
    }
    let mut allocation = vec![0usize; sizes.len()];
    let mut open: Vec<usize> = (0..sizes.len())
        .filter(|&area| weights[area] > 0 && sizes[area] > 0)
        .collect();
    let mut remaining = count as u128;
    loop {
        let denominator: u128 = open
            .iter()
            .map(|&area| sizes[area] as u128 * weights[area] as u128)
            .sum();
        let full: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&area| {
                remaining * sizes[area] as u128 * weights[area] as u128
                    > sizes[area] as u128 * denominator
            })
            .collect();
        if full.is_empty() {
            if remaining == 0 || denominator == 0 {
                return Ok(allocation);
            }
            let mut remainders = Vec::with_capacity(open.len());
            let mut given = 0u128;
            for &area in &open {
                let numerator = remaining * sizes[area] as u128 * weights[area] as u128;
                allocation[area] = (numerator / denominator) as usize;
                given += numerator / denominator;
                remainders.push((numerator % denominator, area));
            }
            remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut left = remaining - given;
            for &(_, area) in &remainders {
                if left == 0 {
                    break;
                }
                if allocation[area] < sizes[area] {
                    allocation[area] += 1;
                    left -= 1;
                }
            }
            debug_assert_eq!(left, 0, "the remainders always cover the seats left");
            return Ok(allocation);
        }
        for &area in &full {
            allocation[area] = sizes[area];
            remaining -= sizes[area] as u128;
        }
        open.retain(|area| !full.contains(area));
    }
}

/// Draws the invitations: allocates the count to the areas ([`allocate`]), then, area by area in
/// area order, chooses that many of the area's addresses (in file order) by the partial
/// Fisher–Yates shuffle of [`Stream::choose`], and finally draws one code per invitation, in
/// invitation order, with [`draw_codes`]; all from one stream for the seed.
pub fn draw(list: &AddressList, config: &DrawConfig) -> Result<Draw, RecruitmentError> {
    let areas = list.areas();
    let mut weights = vec![Weight::ONE; areas.len()];
    let mut weighted = vec![false; areas.len()];
    for (name, weight) in &config.weights {
        let index = areas
            .iter()
            .position(|area| area == name.trim())
            .ok_or_else(|| RecruitmentError::UnknownArea { area: name.clone() })?;
        if weighted[index] {
            return Err(RecruitmentError::DuplicateWeight {
                area: areas[index].clone(),
            });
        }
        weighted[index] = true;
        weights[index] = *weight;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); areas.len()];
    for (index, address) in list.addresses().iter().enumerate() {
        members[address.area()].push(index);
    }
    let sizes: Vec<usize> = members.iter().map(Vec::len).collect();
    let thousandths: Vec<u32> = weights.iter().map(|weight| weight.thousandths()).collect();
    let allocation = allocate(&sizes, &thousandths, config.invitations)?;

    let mut stream = Stream::new(&config.seed);
    let mut chosen = Vec::with_capacity(config.invitations);
    for (area, area_members) in members.iter().enumerate() {
        for position in stream.choose(area_members.len(), allocation[area]) {
            chosen.push(area_members[position]);
        }
    }
    let codes = draw_codes(&mut stream, chosen.len());
    let invitations = chosen
        .into_iter()
        .zip(codes)
        .map(|(address, code)| Invitation { address, code })
        .collect();
    let reports = areas
        .iter()
        .enumerate()
        .map(|(area, name)| AreaReport {
            area: name.clone(),
            addresses: sizes[area],
            weight: weights[area],
            invited: allocation[area],
        })
        .collect();
    Ok(Draw {
        seed: config.seed.clone(),
        areas: reports,
        invitations,
    })
}
