//! The power map picture of a recommendation's change strategy: who decides or influences, for or against, how
//! much, and whether their power is visible or hidden, drawn as an accessible SVG.

use domain::impact::{ActorRole, Visibility};
use store::impact::ActorRow;

use super::views::stance_label;
use crate::i18n::impact::ImpactMessages;

/// An SVG grid of influence (up) against stance (left to right): decision-makers are squares, influencers circles;
/// hidden actors are drawn hollow with a dashed outline. The `<desc>` lists every actor in words.
pub fn power_map_svg(actors: &[ActorRow], t: &ImpactMessages) -> String {
    let (left, top, cell, columns, rows) = (110.0_f64, 20.0_f64, 90.0_f64, 5usize, 5usize);
    let width = left + cell * columns as f64 + 20.0;
    let height = top + cell * rows as f64 + 60.0;
    let mut description = Vec::new();
    let mut shapes = String::new();
    let mut occupied = std::collections::HashMap::<(i64, i64), usize>::new();
    for actor in actors {
        description.push(format!(
            "{}: {}, {}, {} {}, {} {}",
            actor.name,
            t.actor_roles[actor.actor_role.index()],
            t.visibilities[actor.visibility.index()],
            t.stance_label,
            stance_label(t, actor.stance),
            t.influence_label,
            actor.influence
        ));
        let slot = occupied.entry((actor.stance, actor.influence)).or_insert(0);
        let column = (actor.stance + 2).clamp(0, 4) as f64;
        let row = (5 - actor.influence).clamp(0, 4) as f64;
        let x = left + cell * column + cell / 2.0;
        let y = top + cell * row + 22.0 + 22.0 * (*slot % 3) as f64;
        *slot += 1;
        let hidden = actor.visibility == Visibility::Hidden;
        let fill = if hidden { "#ffffff" } else { "#0072b2" };
        let dash = if hidden {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        if actor.actor_role == ActorRole::DecisionMaker {
            shapes.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#1b1b1f\" stroke-width=\"2\"{dash}/>",
                x - 40.0,
                y - 6.0
            ));
        } else {
            shapes.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{fill}\" stroke=\"#1b1b1f\" stroke-width=\"2\"{dash}/>",
                x - 34.0
            ));
        }
        let name: String = actor.name.chars().take(14).collect();
        shapes.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1b1b1f\">{}</text>",
            x - 24.0,
            y + 4.0,
            charts::escape_xml(&name)
        ));
    }
    let mut grid = String::new();
    for column in 0..=columns {
        let x = left + cell * column as f64;
        grid.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#c9ced8\"/>",
            top + cell * rows as f64
        ));
    }
    for row in 0..=rows {
        let y = top + cell * row as f64;
        grid.push_str(&format!(
            "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#c9ced8\"/>",
            left + cell * columns as f64
        ));
    }
    for (index, stance) in t.stances.iter().enumerate() {
        let x = left + cell * index as f64 + cell / 2.0;
        grid.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1b1f\">{}</text>",
            top + cell * rows as f64 + 18.0,
            charts::escape_xml(stance)
        ));
    }
    grid.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1b1b1f\">{}</text>",
        left + cell * columns as f64 / 2.0,
        top + cell * rows as f64 + 44.0,
        charts::escape_xml(t.stance_label)
    ));
    for influence in 1..=5 {
        let y = top + cell * (5 - influence) as f64 + cell / 2.0;
        grid.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1b1f\">{influence}</text>",
            left - 8.0
        ));
    }
    grid.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" font-size=\"12\" fill=\"#1b1b1f\">{}</text>",
        top + 12.0,
        charts::escape_xml(t.influence_label)
    ));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"power-title power-desc\"><title id=\"power-title\">{}</title><desc id=\"power-desc\">{}</desc><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{grid}{shapes}</svg>",
        charts::escape_xml(t.power_chart_title),
        charts::escape_xml(&description.join(". "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_power_map_names_every_actor_in_words_and_escapes_names() {
        let t = Lang::En.t::<ImpactMessages>();
        let svg = power_map_svg(
            &[
                ActorRow {
                    name: "Minister <Housing>".to_owned(),
                    actor_role: ActorRole::DecisionMaker,
                    visibility: Visibility::Visible,
                    stance: -1,
                    influence: 5,
                },
                ActorRow {
                    name: "Builders' lobby".to_owned(),
                    actor_role: ActorRole::Influencer,
                    visibility: Visibility::Hidden,
                    stance: -2,
                    influence: 4,
                },
            ],
            t,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("Minister &lt;Housing&gt;: Decision-maker, Visible, Stance Against, Influence (1 to 5) 5"));
        // The workspace's one XML escaper (`charts::escape_xml`) writes an apostrophe as `&apos;`.
        assert!(svg.contains("Builders&apos; lobby: Influencer, Hidden, Stance Strongly against"));
        assert!(!svg.contains("<Housing>"));
        assert_eq!(svg.matches("<rect x=").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
    }
}
