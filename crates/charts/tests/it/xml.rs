//! A tiny XML well-formedness checker for the tests: balanced tags, one root, quoted attributes,
//! no raw `<` or stray `&` in text or attribute values. It returns the elements in document order
//! so tests can read attributes back, and the decoded text of `<title>` and `<desc>`.

use std::collections::BTreeMap;

/// An element: its name, attributes (decoded) and the decoded text directly inside it.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
    pub text: String,
    pub depth: usize,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    pub fn number(&self, name: &str) -> f64 {
        self.attribute(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
            .parse()
            .unwrap_or_else(|_| panic!("<{}> {name} is not a number", self.name))
    }
}

/// Parses `document`, or says what is wrong and where (byte offset).
pub fn parse(document: &str) -> Result<Vec<Element>, String> {
    let bytes = document.as_bytes();
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut roots = 0;
    let mut position = 0;
    while position < bytes.len() {
        if bytes[position] == b'<' {
            let end = document[position..]
                .find('>')
                .map(|offset| position + offset)
                .ok_or(format!("unclosed tag at {position}"))?;
            let inner = &document[position + 1..end];
            if inner.contains('<') {
                return Err(format!("raw '<' inside a tag at {position}"));
            }
            if let Some(name) = inner.strip_prefix('/') {
                let index = open
                    .pop()
                    .ok_or(format!("closing </{name}> without opening at {position}"))?;
                if elements[index].name != name.trim() {
                    return Err(format!(
                        "</{name}> closes <{}> at {position}",
                        elements[index].name
                    ));
                }
            } else if inner.starts_with('?') || inner.starts_with('!') {
                return Err(format!("unexpected declaration at {position}"));
            } else {
                let self_closing = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
                let name = &inner[..name_end];
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
                {
                    return Err(format!("bad element name {name:?} at {position}"));
                }
                if open.is_empty() {
                    roots += 1;
                    if roots > 1 {
                        return Err(format!("a second root element at {position}"));
                    }
                }
                let attributes = parse_attributes(&inner[name_end..])
                    .map_err(|error| format!("{error} in <{name}> at {position}"))?;
                elements.push(Element {
                    name: name.to_owned(),
                    attributes,
                    text: String::new(),
                    depth: open.len(),
                });
                if !self_closing {
                    open.push(elements.len() - 1);
                }
            }
            position = end + 1;
        } else {
            let end = document[position..]
                .find('<')
                .map_or(bytes.len(), |offset| position + offset);
            let raw = &document[position..end];
            let text = decode(raw).map_err(|error| format!("{error} in text at {position}"))?;
            match open.last() {
                Some(index) => elements[*index].text.push_str(&text),
                None if raw.trim().is_empty() => {}
                None => return Err(format!("text outside the root at {position}")),
            }
            position = end;
        }
    }
    if let Some(index) = open.last() {
        return Err(format!("<{}> is never closed", elements[*index].name));
    }
    if roots != 1 {
        return Err("no root element".to_owned());
    }
    Ok(elements)
}

fn parse_attributes(mut rest: &str) -> Result<BTreeMap<String, String>, String> {
    let mut attributes = BTreeMap::new();
    loop {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            return Ok(attributes);
        }
        if trimmed.len() == rest.len() {
            return Err("attributes not separated by whitespace".to_owned());
        }
        let equals = trimmed.find('=').ok_or("attribute without '='")?;
        let name = &trimmed[..equals];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
        {
            return Err(format!("bad attribute name {name:?}"));
        }
        let after = &trimmed[equals + 1..];
        let quote = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or(format!("attribute {name} is not quoted"))?;
        let close = after[1..]
            .find(quote)
            .ok_or(format!("attribute {name} is not closed"))?;
        let value = decode(&after[1..1 + close])?;
        if attributes.insert(name.to_owned(), value).is_some() {
            return Err(format!("attribute {name} is repeated"));
        }
        rest = &after[close + 2..];
    }
}

fn decode(raw: &str) -> Result<String, String> {
    let mut decoded = String::new();
    let mut rest = raw;
    while let Some(ampersand) = rest.find('&') {
        decoded.push_str(&rest[..ampersand]);
        let semicolon = rest[ampersand..].find(';').ok_or("a raw '&'")?;
        let entity = &rest[ampersand + 1..ampersand + semicolon];
        decoded.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => return Err(format!("unknown entity &{other};")),
        });
        rest = &rest[ampersand + semicolon + 1..];
    }
    decoded.push_str(rest);
    Ok(decoded)
}
