package teams

import (
	"encoding/json"
)

// Activity is a Bot Framework activity: what Teams sends to /api/messages and what the
// bot sends back to the connector at {serviceUrl}/v3/conversations/…. Only the fields
// Incumbent reads or writes are here.
type Activity struct {
	Type         string               `json:"type"`
	ID           string               `json:"id,omitempty"`
	Name         string               `json:"name,omitempty"` // invoke: "adaptiveCard/action"
	Timestamp    string               `json:"timestamp,omitempty"`
	ServiceURL   string               `json:"serviceUrl,omitempty"`
	ChannelID    string               `json:"channelId,omitempty"` // "msteams"
	From         *ChannelAccount      `json:"from,omitempty"`
	Recipient    *ChannelAccount      `json:"recipient,omitempty"`
	Conversation *ConversationAccount `json:"conversation,omitempty"`
	ReplyToID    string               `json:"replyToId,omitempty"`
	Text         string               `json:"text,omitempty"`
	TextFormat   string               `json:"textFormat,omitempty"`
	Summary      string               `json:"summary,omitempty"`
	Attachments  []Attachment         `json:"attachments,omitempty"`
	Value        json.RawMessage      `json:"value,omitempty"`
	Action       string               `json:"action,omitempty"` // installationUpdate: "add" or "remove"
	MembersAdded []ChannelAccount     `json:"membersAdded,omitempty"`
	ChannelData  json.RawMessage      `json:"channelData,omitempty"`
	Locale       string               `json:"locale,omitempty"`
}

// Activity types Incumbent handles.
const (
	TypeMessage            = "message"
	TypeConversationUpdate = "conversationUpdate"
	TypeInstallationUpdate = "installationUpdate"
	TypeInvoke             = "invoke"
	TypeInvokeResponse     = "invokeResponse"
)

// ChannelAccount is a user or the bot.
type ChannelAccount struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
	// Email and UserPrincipalName come from the conversation's member list
	// (GET /v3/conversations/{id}/members/{userId}), not from activities.
	Email             string `json:"email,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// ConversationAccount is a personal chat, a group chat or a channel thread.
type ConversationAccount struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType,omitempty"` // personal, groupChat, channel
	TenantID         string `json:"tenantId,omitempty"`
	IsGroup          bool   `json:"isGroup,omitempty"`
	Name             string `json:"name,omitempty"`
}

// Attachment carries a card.
type Attachment struct {
	ContentType string `json:"contentType"`
	Content     any    `json:"content,omitempty"`
}

// ContentTypeAdaptiveCard is the attachment content type of an Adaptive Card.
const ContentTypeAdaptiveCard = "application/vnd.microsoft.card.adaptive"

// ConversationReference is what the bot keeps of a conversation so that it can post
// there later (proactive messages: digests).
type ConversationReference struct {
	ServiceURL     string `json:"serviceUrl"`
	ChannelID      string `json:"channelId"`
	ConversationID string `json:"conversationId"`
	// ConversationType is personal, groupChat or channel.
	ConversationType string `json:"conversationType,omitempty"`
	TenantID         string `json:"tenantId,omitempty"`
	BotID            string `json:"botId,omitempty"`
	// UserID and AADObjectID are the user's, for a personal chat.
	UserID      string `json:"userId,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
	// TeamID and Name identify a team's channel.
	TeamID string `json:"teamId,omitempty"`
	Name   string `json:"name,omitempty"`
}
