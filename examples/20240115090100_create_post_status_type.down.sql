DROP TYPE post_status;
