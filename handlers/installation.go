package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

// Installation keeps the store's installations and repositories in step with where the App is
// installed. Uninstalling or suspending marks them inactive and deletes nothing, so history stays
// visible and a re-install picks it up again.
type Installation struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h Installation) Handles() []string { return []string{"installation"} }

// Handle implements githubapp.EventHandler.
func (h Installation) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.InstallationEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	inst := event.GetInstallation()
	var active bool
	switch event.GetAction() {
	case "created", "unsuspend", "new_permissions_accepted":
		active = true
	case "deleted", "suspend":
	default:
		return nil
	}
	logger := zerolog.Ctx(ctx).With().Int64("github_installation_id", inst.GetID()).Str("github_event_action", event.GetAction()).Logger()
	ctx = logger.WithContext(ctx)
	if isNew, err := h.firstDelivery(ctx, deliveryID, eventType); err != nil || !isNew {
		return err
	}
	if !active {
		h.repos.clear()
		err := h.Store.DeactivateInstallation(ctx, inst.GetID())
		if errors.Is(err, store.ErrNotFound) {
			logger.Info().Msg("uninstalled an installation never recorded: nothing to deactivate")
			return nil
		}
		if err != nil {
			return fmt.Errorf("deactivate installation %d: %w", inst.GetID(), err)
		}
		logger.Info().Msg("installation deactivated")
		return nil
	}
	if err := h.Store.UpsertInstallation(ctx, store.Installation{
		ID: inst.GetID(), Account: inst.GetAccount().GetLogin(), Active: true,
	}); err != nil {
		return fmt.Errorf("record installation %d: %w", inst.GetID(), err)
	}
	if err := h.addRepositories(ctx, inst.GetID(), event.Repositories); err != nil {
		return err
	}
	logger.Info().Int("repositories", len(event.Repositories)).Msg("installation active")
	return nil
}

// addRepositories records repositories as installed under an installation.
func (in *Intake) addRepositories(ctx context.Context, installationID int64, repos []*github.Repository) error {
	for _, r := range repos {
		id := installationID
		in.repos.forget(r.GetFullName())
		if _, err := in.Store.UpsertRepository(ctx, store.Repository{
			InstallationID: &id, FullName: r.GetFullName(), Active: true, Private: isPrivate(r.Private),
		}); err != nil {
			return fmt.Errorf("record repository %s of installation %d: %w", r.GetFullName(), installationID, err)
		}
	}
	return nil
}
