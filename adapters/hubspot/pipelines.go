package hubspot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The stage names the sync uses for closed deals.
const (
	StageWon  = "won"
	StageLost = "lost"
)

// pipeline is a deal pipeline of GET /crm/v3/pipelines/deals.
type pipeline struct {
	ID           string  `json:"id"`
	Label        string  `json:"label"`
	DisplayOrder int     `json:"displayOrder"`
	Archived     bool    `json:"archived"`
	Stages       []stage `json:"stages"`
}

type stage struct {
	ID           string `json:"id"`
	Label        string `json:"label"`
	DisplayOrder int    `json:"displayOrder"`
	Archived     bool   `json:"archived"`
	Metadata     struct {
		IsClosed    string `json:"isClosed"`
		Probability string `json:"probability"`
	} `json:"metadata"`
}

func (s stage) closed() bool { return strings.EqualFold(s.Metadata.IsClosed, "true") }

// outcome is "won" or "lost" for a closed stage of probability 1 or 0, else "".
func (s stage) outcome() string {
	if !s.closed() {
		return ""
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(s.Metadata.Probability), 64)
	switch {
	case err != nil:
		return ""
	case p == 1:
		return StageWon
	case p == 0:
		return StageLost
	}
	return ""
}

// pipelines are the account's deal pipelines.
type pipelines []pipeline

func (o *op) pipelines(ctx context.Context) (pipelines, error) {
	var resp struct {
		Results []pipeline `json:"results"`
	}
	if err := o.do(ctx, "GET", "/crm/v3/pipelines/deals", nil, nil, &resp, idempotent); err != nil {
		return nil, err
	}
	ps := resp.Results
	slices.SortStableFunc(ps, func(a, b pipeline) int { return cmp.Compare(a.DisplayOrder, b.DisplayOrder) })
	for i := range ps {
		slices.SortStableFunc(ps[i].Stages, func(a, b stage) int { return cmp.Compare(a.DisplayOrder, b.DisplayOrder) })
	}
	return ps, nil
}

// defaultPipeline is the pipeline "default", else the first by display order.
func (ps pipelines) defaultPipeline() (pipeline, bool) {
	for _, p := range ps {
		if p.ID == "default" {
			return p, true
		}
	}
	for _, p := range ps {
		if !p.Archived {
			return p, true
		}
	}
	return pipeline{}, false
}

// stageName is what the sync calls a deal's stage: won, lost, or the stage's label (an
// unknown stage id as is).
func (ps pipelines) stageName(id string) string {
	for _, p := range ps {
		for _, s := range p.Stages {
			if s.ID == id {
				if o := s.outcome(); o != "" {
					return o
				}
				return s.Label
			}
		}
	}
	return id
}

// open is the labels of a pipeline's open stages, by display order.
func (p pipeline) open() []string {
	var out []string
	for _, s := range p.Stages {
		if !s.closed() && !s.Archived {
			out = append(out, s.Label)
		}
	}
	return out
}

// resolve finds the stage a plan names: a stage id of any pipeline, a label of the
// default pipeline (then of another), or won/lost (the default pipeline's closed stage of
// probability 1 or 0). "" is the default pipeline's first open stage.
func (ps pipelines) resolve(name string) (pipelineID, stageID string, err error) {
	def, ok := ps.defaultPipeline()
	if !ok {
		return "", "", fmt.Errorf("hubspot: the account has no deal pipeline")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		for _, s := range def.Stages {
			if !s.closed() && !s.Archived {
				return def.ID, s.ID, nil
			}
		}
		return "", "", fmt.Errorf("hubspot: the deal pipeline %q has no open stage", def.Label)
	}
	for _, p := range ps {
		for _, s := range p.Stages {
			if s.ID == name {
				return p.ID, s.ID, nil
			}
		}
	}
	for _, s := range def.Stages {
		if strings.EqualFold(s.Label, name) || s.outcome() != "" && strings.EqualFold(s.outcome(), name) {
			return def.ID, s.ID, nil
		}
	}
	for _, p := range ps {
		for _, s := range p.Stages {
			if p.ID != def.ID && strings.EqualFold(s.Label, name) {
				return p.ID, s.ID, nil
			}
		}
	}
	return "", "", fmt.Errorf("hubspot: no deal stage %q in the pipeline %q; its open stages are %s",
		name, def.Label, strings.Join(def.open(), ", "))
}

// OpenStages returns the labels of the default deal pipeline's open stages, by display
// order.
func (c *Client) OpenStages(ctx context.Context) ([]string, error) {
	o := &op{c: c}
	ps, err := o.pipelines(ctx)
	if err != nil {
		return nil, err
	}
	def, ok := ps.defaultPipeline()
	if !ok {
		return nil, fmt.Errorf("hubspot: the account has no deal pipeline")
	}
	return def.open(), nil
}
