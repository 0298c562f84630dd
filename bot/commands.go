package bot

// CommandInfo describes one verb of the chat grammar for the places that list the
// commands outside a conversation, such as the Teams app manifest.
type CommandInfo struct {
	Name    string // the verb, as typed: "gap"
	Usage   string // its grammar: "gap <account> | gap territory <name> | gap market"
	Summary string // what it does, in one lower-case phrase
}

// Commands returns the verbs of the chat grammar in the order help shows them.
func Commands() []CommandInfo {
	cs := commands()
	out := make([]CommandInfo, len(cs))
	for i, c := range cs {
		out[i] = CommandInfo{Name: c.name, Usage: c.usage, Summary: c.summary}
	}
	return out
}
