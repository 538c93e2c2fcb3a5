//! The Pol.is openData formats: reading, writing them back, and refusing malformed files with the
//! line and column of the fault.

use opinion::opendata::{
    self, OpenDataError, parse_comments, parse_participants_votes, parse_votes,
};

const VOTES: &str = "timestamp,datetime,comment-id,voter-id,vote
1000,Mon Jan 01 00:00:01 UTC 2024,0,7,1
1001,Mon Jan 01 00:00:02 UTC 2024,1,7,-1
1002,Mon Jan 01 00:00:03 UTC 2024,0,8,0
1003,Mon Jan 01 00:00:04 UTC 2024,0,7,-1
";

const COMMENTS: &str =
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
900,Mon Jan 01 00:00:00 UTC 2024,0,7,1,1,1,\"Buses should be free, \"\"for everyone\"\"\"
901,Mon Jan 01 00:00:00 UTC 2024,1,8,0,1,-1,\"Two
lines\"
";

#[test]
fn votes_comments_and_the_matrix_round_trip_and_the_latest_vote_wins() {
    let votes = parse_votes(VOTES).unwrap();
    assert_eq!(votes.len(), 4);
    assert_eq!(opendata::write_votes(&votes), VOTES);
    let comments = parse_comments(COMMENTS).unwrap();
    assert_eq!(comments[0].body, "Buses should be free, \"for everyone\"");
    assert_eq!(comments[1].body, "Two\nlines");
    assert_eq!(opendata::write_comments(&comments), COMMENTS);

    let conversation = opendata::conversation(&votes, &comments);
    assert_eq!(
        conversation.n_votes(),
        3,
        "participant 7 changed their vote on 0"
    );
    assert_eq!(
        conversation.moderation(1),
        Some(opinion::Moderation::ModeratedOut)
    );
    let matrix =
        opendata::write_participants_votes(&conversation, &comments, &|p| (p == 7).then_some(0));
    assert_eq!(
        matrix,
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n\
         7,0,1,2,0,2,-1,-1\n\
         8,,1,1,0,0,0,\n"
    );
    let rows = parse_participants_votes(&matrix).unwrap();
    assert_eq!(rows[0].participant, 7);
    assert_eq!(rows[0].group, Some(0));
    assert_eq!(
        rows[0].votes,
        vec![(0, opinion::Vote::Disagree), (1, opinion::Vote::Disagree)]
    );
    assert_eq!(rows[1].group, None);
    assert_eq!(rows[1].votes, vec![(0, opinion::Vote::Pass)]);
}

#[test]
fn participants_votes_with_an_xid_column_is_read() {
    let text =
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,3\n1,abc,1,0,2,1,0,1,0\n";
    let rows = parse_participants_votes(text).unwrap();
    assert_eq!(rows[0].xid.as_deref(), Some("abc"));
    assert_eq!(
        rows[0].votes,
        vec![(0, opinion::Vote::Agree), (3, opinion::Vote::Pass)]
    );
}

#[track_caller]
fn check_error(result: Result<impl std::fmt::Debug, OpenDataError>, expected: &str) {
    let error = result.expect_err("the file is malformed");
    assert_eq!(error.to_string(), expected);
}

#[test]
fn malformed_files_are_refused_with_line_and_column() {
    check_error(
        parse_votes("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,1\n2,x,0,8,2\n"),
        "line 3 column 5: vote `2` is not 1, -1 or 0",
    );
    check_error(
        parse_votes("timestamp,datetime,comment-id,voter-id,vote\n1,x,zero,7,1\n"),
        "line 2 column 3: comment-id `zero` is not a whole number",
    );
    check_error(
        parse_votes("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,,1\n"),
        "line 2 column 4: empty voter-id",
    );
    check_error(
        parse_votes("timestamp,datetime,comment-id,vote\n1,x,0,1\n"),
        "line 1: missing column `voter-id`",
    );
    check_error(
        parse_votes("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,1\n2,x,0,8\n"),
        "line 3: 4 fields where the header has 5",
    );
    check_error(parse_votes(""), "the file is empty (no header row)");
    check_error(
        parse_comments("comment-id,moderated,comment-body\n0,1,a\n1,2,b\n"),
        "line 3 column 2: moderated `2` is not 1, 0 or -1",
    );
    check_error(
        parse_comments("comment-id,moderated,comment-body\n0,1,a\n0,1,b\n"),
        "line 3 column 1: comment-id 0 already on line 2",
    );
    // A quoted body spanning lines: the error names the line where the faulty record starts.
    check_error(
        parse_comments("comment-id,moderated,comment-body\n0,1,\"a\nb\"\nx,1,c\n"),
        "line 4 column 1: comment-id `x` is not a whole number",
    );
    check_error(
        parse_participants_votes(
            "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n1,0,0,1,1,0,1,\n2,0,0,1,1,0,,yes\n",
        ),
        "line 3 column 8: vote `yes` is not 1, -1 or 0",
    );
}
