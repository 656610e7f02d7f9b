CREATE TABLE "user_module_counts" (
	"role_id" uuid NOT NULL,
	"status" "user_status" NOT NULL,
	"module" "module_name" NOT NULL,
	"level" "access_level" NOT NULL,
	"n" integer NOT NULL
);
