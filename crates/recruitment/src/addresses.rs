//! The address list: parsed from CSV text into typed addresses grouped by area, with duplicate
//! addresses detected (and rejected or dropped, by option) and a commitment hash of the list.

use crate::RecruitmentError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Which columns of the CSV hold what. Column names are matched case-insensitively, after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressColumns {
    /// The id column; `None` numbers the data rows from 1 instead.
    pub id: Option<String>,
    /// The address columns, in the order they are printed (at least one).
    pub address: Vec<String>,
    /// The area column that the draw stratifies by.
    pub area: String,
}

/// What to do with a row whose address duplicates an earlier row's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Fail with [`RecruitmentError::DuplicateAddress`].
    Reject,
    /// Keep the first row, drop the later ones and list them in [`AddressList::dropped`].
    KeepFirst,
}

/// How to read an address list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressConfig {
    /// The file name used in error messages.
    pub file: String,
    /// The columns.
    pub columns: AddressColumns,
    /// The duplicate policy.
    pub duplicates: Duplicates,
}

impl Default for AddressConfig {
    /// `addresses.csv` with columns `id`, `address` and `area`; duplicates are rejected.
    fn default() -> AddressConfig {
        AddressConfig {
            file: "addresses.csv".to_string(),
            columns: AddressColumns {
                id: Some("id".to_string()),
                address: vec!["address".to_string()],
                area: "area".to_string(),
            },
            duplicates: Duplicates::Reject,
        }
    }
}

/// One address (a household) of the list.
///
/// `Debug` shows the id, line and area index only: the address itself is personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct Address {
    id: String,
    line: u64,
    fields: Vec<String>,
    area: usize,
}

impl std::fmt::Debug for Address {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Address")
            .field("id", &self.id)
            .field("line", &self.line)
            .field("area", &self.area)
            .finish()
    }
}

impl Address {
    /// The id (from the id column, or the 1-based data row number).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The line of the CSV where the row starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The address columns' values, trimmed, in the configured order.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// The index of the area in [`AddressList::areas`].
    pub fn area(&self) -> usize {
        self.area
    }
}

/// A row dropped as a duplicate (with [`Duplicates::KeepFirst`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedDuplicate {
    /// The line of the dropped row.
    pub line: u64,
    /// The line of the row that was kept.
    pub first_line: u64,
}

/// A parsed address list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressList {
    address_columns: Vec<String>,
    areas: Vec<String>,
    addresses: Vec<Address>,
    dropped: Vec<DroppedDuplicate>,
}

impl AddressList {
    /// The address column names, as written in the file's header.
    pub fn address_columns(&self) -> &[String] {
        &self.address_columns
    }

    /// The area names, sorted by their UTF-8 bytes; this is the order the draw visits them in.
    pub fn areas(&self) -> &[String] {
        &self.areas
    }

    /// The addresses, in file order (duplicates dropped).
    pub fn addresses(&self) -> &[Address] {
        &self.addresses
    }

    /// Rows dropped as duplicates.
    pub fn dropped(&self) -> &[DroppedDuplicate] {
        &self.dropped
    }

    /// The commitment to the list, to publish before the draw: the lowercase hex SHA-256 of
    /// `kleroterion-addresses-v1` and then, for every address in file order, its id, its area and its
    /// address fields, each written as `<byte length>:<bytes>,`, each address ending with a newline.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        digest_field(&mut hasher, "kleroterion-addresses-v1");
        for address in &self.addresses {
            digest_field(&mut hasher, &address.id);
            digest_field(&mut hasher, &self.areas[address.area]);
            for text in &address.fields {
                digest_field(&mut hasher, text);
            }
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }
}

fn digest_field(hasher: &mut Sha256, text: &str) {
    hasher.update(text.len().to_string().as_bytes());
    hasher.update(b":");
    hasher.update(text.as_bytes());
    hasher.update(b",");
}

/// The duplicate-detection key of an address: the address fields joined by single spaces, then
/// case-folded (Unicode lowercase), with every run of whitespace collapsed to one space and the
/// ends trimmed.
pub fn normalise(fields: &[&str]) -> String {
    let mut key = String::new();
    for field in fields {
        for word in field.split_whitespace() {
            if !key.is_empty() {
                key.push(' ');
            }
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    key
}

/// Parses an address list from CSV text (UTF-8, a header row, comma-separated, `"` quotes).
///
/// Errors name the file, the line and the 1-based column: an empty area, an address whose
/// address columns are all empty, an empty or duplicate id, a duplicate address (with
/// [`Duplicates::Reject`]), a row with too few fields.
pub fn parse_addresses(
    data: &[u8],
    config: &AddressConfig,
) -> Result<AddressList, RecruitmentError> {
    let file = config.file.as_str();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let mut lines = LineCounter::new(data);
    let header = reader
        .headers()
        .map_err(|error| csv_error(file, &error, &mut lines))?
        .clone();
    let find = |name: &str| -> Result<usize, RecruitmentError> {
        let wanted = name.trim().to_lowercase();
        header
            .iter()
            .position(|column| {
                column.trim().trim_start_matches('\u{feff}').to_lowercase() == wanted
            })
            .ok_or_else(|| RecruitmentError::MissingColumn {
                file: file.to_string(),
                column: name.to_string(),
            })
    };
    let id_column = config.columns.id.as_deref().map(find).transpose()?;
    if config.columns.address.is_empty() {
        return Err(RecruitmentError::MissingColumn {
            file: file.to_string(),
            column: "address".to_string(),
        });
    }
    let address_columns = config
        .columns
        .address
        .iter()
        .map(|name| find(name))
        .collect::<Result<Vec<usize>, _>>()?;
    let area_column = find(&config.columns.area)?;
    let needed = id_column
        .into_iter()
        .chain(address_columns.iter().copied())
        .chain([area_column])
        .max()
        .unwrap_or(0)
        + 1;

    let mut area_index: HashMap<String, usize> = HashMap::new();
    let mut area_names: Vec<String> = Vec::new();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut seen_addresses: HashMap<String, u64> = HashMap::new();
    let mut addresses = Vec::new();
    let mut dropped = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut row_number = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return Err(csv_error(file, &error, &mut lines)),
        }
        row_number += 1;
        let line = record
            .position()
            .map_or(row_number + 1, |position| lines.line_at(position.byte()));
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        let bad = |column: usize, message: String| RecruitmentError::BadField {
            file: file.to_string(),
            line,
            column: column + 1,
            message,
        };
        if record.len() < needed {
            return Err(bad(
                record.len(),
                format!("{} fields, the header has {}", record.len(), header.len()),
            ));
        }
        let area = record[area_column].trim();
        if area.is_empty() {
            return Err(bad(area_column, "empty area".to_string()));
        }
        let fields: Vec<&str> = address_columns
            .iter()
            .map(|&column| record[column].trim())
            .collect();
        if fields.iter().all(|field| field.is_empty()) {
            return Err(bad(address_columns[0], "empty address".to_string()));
        }
        let id = match id_column {
            Some(column) => {
                let id = record[column].trim();
                if id.is_empty() {
                    return Err(bad(column, "empty id".to_string()));
                }
                id.to_string()
            }
            None => row_number.to_string(),
        };
        match seen_ids.entry(id) {
            Entry::Occupied(entry) => {
                return Err(RecruitmentError::DuplicateId {
                    file: file.to_string(),
                    line,
                    column: id_column.map_or(0, |column| column + 1),
                    id: entry.key().clone(),
                    first_line: *entry.get(),
                });
            }
            Entry::Vacant(entry) => {
                let key = normalise(&fields);
                match seen_addresses.entry(key) {
                    Entry::Occupied(first) => {
                        let first_line = *first.get();
                        match config.duplicates {
                            Duplicates::Reject => {
                                return Err(RecruitmentError::DuplicateAddress {
                                    file: file.to_string(),
                                    line,
                                    first_line,
                                });
                            }
                            Duplicates::KeepFirst => {
                                dropped.push(DroppedDuplicate { line, first_line });
                                continue;
                            }
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line);
                    }
                }
                let id = entry.key().clone();
                entry.insert(line);
                let area = match area_index.get(area) {
                    Some(&index) => index,
                    None => {
                        area_index.insert(area.to_string(), area_names.len());
                        area_names.push(area.to_string());
                        area_names.len() - 1
                    }
                };
                addresses.push(Address {
                    id,
                    line,
                    fields: fields.iter().map(|field| field.to_string()).collect(),
                    area,
                });
            }
        }
    }
    if addresses.is_empty() {
        return Err(RecruitmentError::NoAddresses {
            file: file.to_string(),
        });
    }
    // Areas are numbered in the order of their sorted names, so the draw does not depend on which
    // area happens to come first in the file.
    let mut order: Vec<usize> = (0..area_names.len()).collect();
    order.sort_by(|&a, &b| area_names[a].as_bytes().cmp(area_names[b].as_bytes()));
    let mut renumber = vec![0; area_names.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    for address in &mut addresses {
        address.area = renumber[address.area];
    }
    let areas = order.iter().map(|&old| area_names[old].clone()).collect();
    Ok(AddressList {
        address_columns: address_columns
            .iter()
            .map(|&column| header[column].trim().to_string())
            .collect(),
        areas,
        addresses,
        dropped,
    })
}

/// Line numbers from byte offsets. The csv crate's own line numbers skip blank lines, so they
/// would point at the wrong line of a file with blank lines; the byte offsets are exact.
pub(crate) struct LineCounter<'a> {
    data: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(data: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            data,
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line where the record at a byte offset starts: the csv crate reports the
    /// offset where it started reading, before the blank lines it skips, so line ends are skipped
    /// here. Offsets are asked for in increasing order (an earlier offset restarts the count).
    pub(crate) fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = (byte as usize).min(self.data.len());
        while byte < self.data.len() && matches!(self.data[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.data[self.byte..byte]
            .iter()
            .filter(|&&character| character == b'\n')
            .count() as u64;
        self.byte = byte;
        self.line
    }
}

pub(crate) fn csv_error(
    file: &str,
    error: &csv::Error,
    lines: &mut LineCounter<'_>,
) -> RecruitmentError {
    let line = error
        .position()
        .map_or(1, |position| lines.line_at(position.byte()));
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => error.to_string(),
    };
    RecruitmentError::CsvSyntax {
        file: file.to_string(),
        line,
        message,
    }
}
