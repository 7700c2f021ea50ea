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

// InstallationRepositories follows repositories being added to or removed from an installation;
// a removed repository is marked inactive, nothing is deleted.
type InstallationRepositories struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h InstallationRepositories) Handles() []string { return []string{"installation_repositories"} }

// Handle implements githubapp.EventHandler.
func (h InstallationRepositories) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.InstallationRepositoriesEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	action := event.GetAction()
	if action != "added" && action != "removed" {
		return nil
	}
	instID := event.GetInstallation().GetID()
	logger := zerolog.Ctx(ctx).With().Int64("github_installation_id", instID).Str("github_event_action", action).Logger()
	ctx = logger.WithContext(ctx)
	if isNew, err := h.firstDelivery(ctx, deliveryID, eventType); err != nil || !isNew {
		return err
	}
	if action == "added" {
		// Repositories are added only to a live installation, and this delivery may come before
		// (or without) the installation's own: record it first, as the repositories refer to it.
		if err := h.Store.UpsertInstallation(ctx, store.Installation{
			ID: instID, Account: event.GetInstallation().GetAccount().GetLogin(), Active: true,
		}); err != nil {
			return fmt.Errorf("record installation %d: %w", instID, err)
		}
		if err := h.addRepositories(ctx, instID, event.RepositoriesAdded); err != nil {
			return err
		}
		logger.Info().Int("repositories", len(event.RepositoriesAdded)).Msg("repositories added")
		return nil
	}
	for _, r := range event.RepositoriesRemoved {
		h.repos.forget(r.GetFullName())
		err := h.Store.SetRepositoryActive(ctx, r.GetFullName(), false)
		if errors.Is(err, store.ErrNotFound) {
			continue // never recorded: nothing to deactivate
		}
		if err != nil {
			return fmt.Errorf("deactivate repository %s of installation %d: %w", r.GetFullName(), instID, err)
		}
	}
	logger.Info().Int("repositories", len(event.RepositoriesRemoved)).Msg("repositories removed")
	return nil
}
