// Package verdicts keeps each failed job's verdict: triage's decision (the one the check run
// states), stored per job when a commit is triaged and decided again from the store when
// something it rests on changes (a pattern edited or retired, new matches, a known-broken range),
// so every page counts and lists failures by that one decision instead of re-deciding.
//
// Deciding from the store sees what the web pages see: the repository's configuration file and
// the merge base live on GitHub, so a job the check run found broken upstream keeps that verdict
// when it is decided again without that evidence and comes out unexplained.
package verdicts
