package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
)

// A button with a form (bot.Button.Form, such as the gap's "Set potential") opens a
// modal with the form's fields. Its submission makes the command with bot.Form.Command
// and runs it as the person who submitted it: a value the grammar refuses is shown under
// its field and the modal stays open; a command that succeeds closes the modal and its
// reply goes to the conversation the button was pressed in, for that person alone.

// ActionForm is the action id of a button that opens a form; its value is the button
// as formButton.
const ActionForm = "form"

// formID is the callback id of a form's modal.
const formID = "form"

// maxMetadata is the most characters a view's private_metadata holds.
const maxMetadata = 3000

// formButton is what a form's button carries in its value.
type formButton struct {
	Label   string    `json:"label"`
	Command string    `json:"command"`
	Form    *bot.Form `json:"form"`
}

// formMeta is a form's modal's private metadata: what its submission needs.
type formMeta struct {
	Command string    `json:"command"`
	Channel string    `json:"channel,omitempty"`
	Thread  string    `json:"thread,omitempty"`
	Form    *bot.Form `json:"form"`
}

// formValue is the value of a form's button.
func formValue(b bot.Button) string {
	v, _ := json.Marshal(formButton{Label: b.Label, Command: b.Command, Form: b.Form})
	return string(v)
}

// formView is the modal of a form's button pressed in channel (and thread).
func formView(fb formButton, channel, thread string) (slack.ModalViewRequest, error) {
	meta, err := json.Marshal(formMeta{Command: fb.Command, Channel: channel, Thread: thread, Form: fb.Form.Bare()})
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	if len([]rune(string(meta))) > maxMetadata {
		return slack.ModalViewRequest{}, errors.New("the form is too large for a modal's metadata")
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn("*"+escape(cut(fb.Label, maxText-2))+"*"), nil, nil)}
	for _, f := range fb.Form.Fields {
		el := slack.NewPlainTextInputBlockElement(nil, f.Name)
		if f.Placeholder != "" {
			el.Placeholder = plain(cut(f.Placeholder, 150))
		}
		if f.MaxLength > 0 {
			el.MaxLength = min(f.MaxLength, maxText)
		}
		el.Multiline = f.MaxLength > 200
		var hint *slack.TextBlockObject
		if f.Hint != "" {
			hint = plain(cut(f.Hint, 2000))
		}
		blocks = append(blocks, slack.NewInputBlock(f.Name, plain(cut(f.Label, 2000)), hint, el).WithOptional(f.Optional))
	}
	return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: formID, PrivateMetadata: string(meta),
		Title: plain(cut(fb.Form.Title, maxModalTitle)), Submit: plain(cut(fb.Form.Submit, maxModalTitle)), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks}}, nil
}

// openForm opens the modal of a form's button: at once, since a trigger id lasts three
// seconds.
func (h *Handler) openForm(ctx context.Context, trigger, userID, channel, thread, value string) {
	var fb formButton
	err := json.Unmarshal([]byte(value), &fb)
	if err == nil && (fb.Form == nil || fb.Command == "") {
		err = errors.New("the button carries no form")
	}
	var view slack.ModalViewRequest
	if err == nil {
		view, err = formView(fb, channel, thread)
	}
	if err == nil {
		_, err = h.Client.OpenViewContext(ctx, trigger, view)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: open a form", "err", err)
		if channel != "" {
			h.tell(ctx, channel, userID, "I could not open that form just now; please press the button again, or type the command.")
		}
	}
}

// submitForm makes the command of a form's modal from its values and runs it. Values
// that cannot make a command, or that the command refuses, are shown under their
// fields (an error about no one field under the first) and nothing is run or written.
func (h *Handler) submitForm(ctx context.Context, cb slack.InteractionCallback) any {
	var meta formMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Form == nil || len(meta.Form.Fields) == 0 {
		h.logger().WarnContext(ctx, "slack: a form without its metadata", "err", err)
		return nil
	}
	values := map[string]string{}
	if cb.View.State != nil {
		for _, f := range meta.Form.Fields {
			values[f.Name] = cb.View.State.Values[f.Name][f.Name].Value
		}
	}
	text, err := meta.Form.Command(meta.Command, values)
	if fe, ok := errors.AsType[*bot.FormError](err); ok {
		errs := map[string]string{}
		for name, msg := range fe.Fields {
			errs[name] = cut(msg, 150)
		}
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	r := h.ask(ctx, cb.User.ID, meta.Channel, meta.Thread, text)
	if r.Err != nil {
		field := bot.ErrorField(r.Err)
		if !slices.ContainsFunc(meta.Form.Fields, func(f bot.FormField) bool { return f.Name == field }) {
			field = meta.Form.Fields[0].Name // an error about no one field
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{field: cut(bot.ErrorText(r.Err), 150)})
	}
	h.later(ctx, func(ctx context.Context) { h.deliver(ctx, cb.User.ID, meta.Channel, meta.Thread, r, text) })
	return nil
}

// deliver posts a reply already made to the person alone in channel (in its thread),
// else in the app's direct messages.
func (h *Handler) deliver(ctx context.Context, userID, channel, thread string, r bot.Reply, command string) {
	m := h.message(ctx, r, command)
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks.BlockSet...)}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	if channel != "" {
		_, err := h.Client.PostEphemeralContext(ctx, channel, userID, opts...)
		if err == nil {
			return
		}
		h.logger().ErrorContext(ctx, "slack: post a form's reply", "channel", channel, "err", err)
	}
	if _, err := call(ctx, func() (string, error) {
		_, ts, err := h.Client.PostMessageContext(ctx, userID, opts...)
		return ts, err
	}); err != nil {
		h.logger().ErrorContext(ctx, "slack: post a form's reply", "user", userID, "err", fmt.Errorf("direct message: %w", err))
	}
}
