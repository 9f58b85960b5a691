// The record kinds the API imports and exports (registry_api.cpp).
export const kinds = ['households', 'members', 'cadres', 'units', 'orgs', 'regions'] as const;
