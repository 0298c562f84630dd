package hstest

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
)

// Association types from a deal to a company: the primary company, and unlabeled.
const (
	typePrimary   = 5
	typeUnlabeled = 341
)

// createDeal answers POST /crm/v3/objects/deals; s.mu is held.
func (s *Server) createDeal(w http.ResponseWriter, body []byte) {
	var req struct {
		Properties   map[string]string `json:"properties"`
		Associations []struct {
			To struct {
				ID string `json:"id"`
			} `json:"to"`
			Types []struct {
				Category string `json:"associationCategory"`
				TypeID   int    `json:"associationTypeId"`
			} `json:"types"`
		} `json:"associations"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: %v", err)
		return
	}
	props := maps.Clone(req.Properties)
	if props == nil {
		props = map[string]string{}
	}
	if p := props["pipeline"]; p != "" && p != "default" {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: pipeline %q is not a pipeline", p)
		return
	}
	if st := props["dealstage"]; st != "" {
		prob, ok := stageProbability(st)
		if !ok {
			fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: %q is not a valid stage of the pipeline", st)
			return
		}
		props["pipeline"] = "default"
		if _, set := props["hs_deal_stage_probability"]; !set {
			props["hs_deal_stage_probability"] = prob
		}
	}
	company := ""
	for _, a := range req.Associations {
		if s.objects["companies"][a.To.ID] == nil || s.objects["companies"][a.To.ID].archived {
			fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "No company with id %q to associate the deal with", a.To.ID)
			return
		}
		for _, t := range a.Types {
			if t.Category != "HUBSPOT_DEFINED" || t.TypeID != typePrimary && t.TypeID != typeUnlabeled {
				fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "%s %d is not an association type from deals to companies", t.Category, t.TypeID)
				return
			}
		}
		if company == "" {
			company = a.To.ID
		}
	}
	r := s.put("deals", s.newID(), props, company)
	writeJSON(w, http.StatusCreated, s.objectJSON("deals", r, keys(r.props), false))
}

func stageProbability(id string) (string, bool) {
	for _, st := range stages {
		if st.id == id {
			return st.probability, true
		}
	}
	return "", false
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// update answers PATCH /crm/v3/objects/{type}/{id}: the properties given are set.
func (s *Server) update(w http.ResponseWriter, typ, id string, body []byte) {
	r := s.objects[typ][id]
	if r == nil || r.archived {
		fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	var req struct {
		Properties map[string]string `json:"properties"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Properties) == 0 {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: properties are required")
		return
	}
	for k, v := range req.Properties {
		switch k {
		case "hs_object_id", "createdate", "hs_lastmodifieddate":
			fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: %s is read-only", k)
			return
		}
		r.props[k] = v
	}
	r.props["hs_lastmodifieddate"] = iso(s.now())
	writeJSON(w, http.StatusOK, s.objectJSON(typ, r, keys(r.props), false))
}

// batchRead answers POST /crm/v4/associations/deals/companies/batch/read: each deal's
// company, its id a number as HubSpot sends it; a deal without one is an error of the
// answer (207).
func (s *Server) batchRead(w http.ResponseWriter, body []byte) {
	var req struct {
		Inputs []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Inputs) > 1000 {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input: 1 to 1000 inputs")
		return
	}
	results, errs := []any{}, []any{}
	for _, in := range req.Inputs {
		d := s.objects["deals"][in.ID]
		if d == nil || d.company == "" {
			errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND",
				"message": "No companies is associated with deal " + in.ID + ".", "context": map[string]any{"fromObjectId": []string{in.ID}}})
			continue
		}
		var to any = d.company
		if n, err := strconv.ParseInt(d.company, 10, 64); err == nil {
			to = n
		}
		results = append(results, map[string]any{"from": map[string]string{"id": in.ID},
			"to": []any{map[string]any{"toObjectId": to, "associationTypes": []any{
				map[string]any{"category": "HUBSPOT_DEFINED", "typeId": typePrimary, "label": "Primary"},
				map[string]any{"category": "HUBSPOT_DEFINED", "typeId": typeUnlabeled, "label": nil},
			}}}})
	}
	out := map[string]any{"status": "COMPLETE", "results": results,
		"startedAt": iso(Start), "completedAt": iso(Start)}
	status := http.StatusOK
	if len(errs) > 0 {
		out["errors"], out["numErrors"], status = errs, len(errs), http.StatusMultiStatus
	}
	writeJSON(w, status, out)
}
