-- Indexes for browsing the registry by region and household.
CREATE INDEX households_village ON households (village);
CREATE INDEX persons_household ON persons (household_ref);
CREATE INDEX funds_project ON funds (project_id);
