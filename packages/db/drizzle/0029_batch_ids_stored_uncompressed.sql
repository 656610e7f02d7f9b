-- issue 18 item 3: a batch's list of users (10,000 uuids, 160 kB) is stored out of line without
-- compression. pglz found little to compress in uuids and spent 28 ms of a 100,000-user Apply trying
-- (5 ms stored as they are); each batch's run read them back through the decompressor too.
ALTER TABLE bulk_operation_batches ALTER COLUMN user_ids SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE bulk_operation_batches ALTER COLUMN source_positions SET STORAGE EXTERNAL;
