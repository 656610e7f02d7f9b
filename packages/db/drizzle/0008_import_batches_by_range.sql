ALTER TABLE "bulk_operation_items" DROP CONSTRAINT "bulk_operation_items_operation_id_bulk_operations_id_fk";
--> statement-breakpoint
ALTER TABLE "bulk_operation_batches" ADD COLUMN "last_position" integer;