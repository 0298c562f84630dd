package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/incumbent/incumbent/bot"
)

// Router reads a plain question as one of the bot's read-only commands, by function
// calling. The model gets the question and the tools, nothing else: no figures, no
// replies. The bot checks the call it makes before running anything.
type Router struct{ conn }

var _ bot.Router = (*Router)(nil)

// NewRouter returns a router with the configuration talking points use.
func NewRouter(c Config) (*Router, error) {
	cn, err := newConn(c)
	if err != nil {
		return nil, err
	}
	return &Router{cn}, nil
}

// routeInstructions is the system message of the router.
const routeInstructions = `You route a B2B sales rep's question to exactly one of the tools, which are commands of a sales assistant.
Call one tool, once. Never answer the question yourself and never write figures.
Copy every account, territory, category, SKU, competitor and scenario name exactly as the question writes it; never invent one.
"my", "mine" and no scope mean scope "mine". If no tool fits, call none and answer "none".`

// Route asks the model for one tool call. A refusal, an answer without a tool call, or
// a call whose arguments are not a JSON object of strings is an error.
func (r *Router) Route(ctx context.Context, question string, tools []bot.Tool) (bot.ToolCall, error) {
	defs := make([]goopenai.Tool, len(tools))
	for i, t := range tools {
		defs[i] = goopenai.Tool{Type: goopenai.ToolTypeFunction, Function: &goopenai.FunctionDefinition{
			Name: t.Name, Description: t.Description, Parameters: parameters(t.Params)}}
	}
	msg, _, err := r.ask(ctx, routeInstructions, question, goopenai.ChatCompletionRequest{
		Tools:             defs,
		ToolChoice:        "auto",
		ParallelToolCalls: false,
		Temperature:       0,
	})
	if err != nil {
		return bot.ToolCall{}, err
	}
	switch {
	case len(msg.ToolCalls) == 0:
		return bot.ToolCall{}, errors.New("openai: the model called no tool")
	case len(msg.ToolCalls) > 1:
		return bot.ToolCall{}, fmt.Errorf("openai: the model called %d tools, not one", len(msg.ToolCalls))
	}
	fn := msg.ToolCalls[0].Function
	args := map[string]string{}
	if s := strings.TrimSpace(fn.Arguments); s != "" {
		var raw map[string]any
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return bot.ToolCall{}, fmt.Errorf("openai: the arguments of %s are not a JSON object: %w", fn.Name, err)
		}
		for k, v := range raw {
			switch v := v.(type) {
			case string:
				args[k] = v
			case float64:
				args[k] = fmt.Sprint(v)
			case nil:
			default:
				return bot.ToolCall{}, fmt.Errorf("openai: argument %s of %s is not a string", k, fn.Name)
			}
		}
	}
	return bot.ToolCall{Name: fn.Name, Args: args}, nil
}

// parameters is the JSON schema of a tool's parameters: an object of strings.
func parameters(ps []bot.ToolParam) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, p := range ps {
		prop := map[string]any{"type": "string", "description": p.Description}
		if len(p.Enum) > 0 {
			prop["enum"] = p.Enum
		}
		props[p.Name] = prop
		if p.Required {
			required = append(required, p.Name)
		}
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}
