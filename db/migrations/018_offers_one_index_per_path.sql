-- One index for each way offers are read, so that no cached plan can pick the wrong twin.
-- offers_phase (competition, phase, status) shared its leading columns with offers_one_version
-- (competition, phase, company, version). With estimates clamped to one row, a generic plan
-- prepared while the table was small looked up a company's newest version through offers_phase and
-- filtered every offer of the phase by company, a cost that grew with the phase (bench/RESULTS.md,
-- intake). A phase's offers are read through offers_one_version, its active ones through
-- offers_one_active, its withdrawn ones (the status page counts them) through offers_withdrawn,
-- whose condition no other query implies. offers_phase was also one more index to write on every
-- offer and every supersede; offers_withdrawn is written only by a withdrawal.
drop index offers_phase;
create index offers_withdrawn on offers (competition_id, phase_key) where status = 'withdrawn';
