DROP INDEX ix_orders_user;
