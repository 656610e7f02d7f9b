DROP INDEX "bulk_operations_actor_id_idx";--> statement-breakpoint
CREATE INDEX "bulk_operations_actor_finished_idx" ON "bulk_operations" USING btree ("actor_id","finished_at");