package handlers

import "github.com/totto-ci/totto/pipeline"

// PipelineCommands parses a comment for the pipeline's command worker (pipeline.Deps.ParseComment):
// the pipeline cannot import this package, which imports it, so the parser is handed over as a
// function in the pipeline's own terms.
func PipelineCommands(body string) []pipeline.Command {
	cmds := ParseComment(body)
	out := make([]pipeline.Command, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, pipeline.Command{Kind: pipeline.CommandKind(c.Kind.String()), Job: c.Job, Reason: c.Reason,
			Message: c.Message, Help: c.Help})
	}
	return out
}
