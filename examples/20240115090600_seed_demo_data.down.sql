-- posts go with their author (ON DELETE CASCADE)
DELETE FROM users WHERE email IN ('ada@example.com', 'grace@example.com');
